import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH } from './chain-hash';
import { ChainKeys } from './chain-keys';
import { ChainKeyError } from './errors';
import { ed25519Pem } from './testing/chain-fixtures';

describe('ChainKeys', () => {
  const { privatePem, publicPem } = ed25519Pem();
  const hash = 'ab'.repeat(32);

  it('signs with the private key and verifies with the public half derived from it', () => {
    const keys = ChainKeys.load({ signingKey: privatePem });
    expect(keys.canSign && keys.canVerify).toBe(true);
    const signature = keys.sign(hash)!;
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(keys.sign(hash)).toBe(signature); // Ed25519 is deterministic
    expect(keys.verify(hash, signature)).toBe(true);
    expect(keys.verify(GENESIS_HASH, signature)).toBe(false);
    expect(keys.verify(hash, 'garbage')).toBe(false);
  });

  it('verifies with a public key alone, from a file or from PEM with escaped newlines', () => {
    const signature = ChainKeys.load({ signingKey: privatePem }).sign(hash)!;
    const dir = mkdtempSync(join(tmpdir(), 'gantry-chain-keys-'));
    writeFileSync(join(dir, 'verify.pem'), publicPem);
    const fromFile = ChainKeys.load({ verifyKey: join(dir, 'verify.pem') });
    expect(fromFile.canSign).toBe(false);
    expect(fromFile.sign(hash)).toBeNull();
    expect(fromFile.verify(hash, signature)).toBe(true);
    expect(ChainKeys.load({ verifyKey: publicPem.trim().replace(/\n/g, '\\n') }).verify(hash, signature)).toBe(true);
  });

  it('has no keys by default: nothing is signed or checked', () => {
    const keys = ChainKeys.load({});
    expect([keys.canSign, keys.canVerify, keys.sign(hash)]).toEqual([false, false, null]);
  });

  it('refuses keys that are unreadable, not Ed25519, private where public belongs, or of another pair', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const fail = (settings: Parameters<typeof ChainKeys.load>[0]) => () => ChainKeys.load(settings);
    expect(fail({ signingKey: '/nonexistent/key.pem' })).toThrow(/GANTRY_AUDIT_SIGNING_KEY: cannot read/);
    expect(fail({ signingKey: rsa.toString() })).toThrow(/expected an Ed25519 key, got rsa/);
    expect(fail({ verifyKey: privatePem })).toThrow(/GANTRY_AUDIT_VERIFY_KEY: expected a public key/);
    expect(fail({ signingKey: privatePem, verifyKey: ed25519Pem().publicPem })).toThrow(/not the public half/);
    expect(fail({ signingKey: '-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----' })).toThrow(ChainKeyError);
  });
});
