import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChainKeyError, errorMessage } from './errors';

/** Where the keys come from: PEM text, or the path of a PEM file (`GANTRY_AUDIT_SIGNING_KEY`, `_VERIFY_KEY`). */
export interface ChainKeySettings {
  /** Ed25519 private key: writers of the chain sign with it; its public half verifies. */
  readonly signingKey?: string;
  /** Ed25519 public key, for verifiers that must not hold the private key. */
  readonly verifyKey?: string;
}

/**
 * The Ed25519 keys of the chain. A signature is Ed25519 over the 32 bytes of a link's hash, base64 encoded.
 * Ed25519 signatures are deterministic, so every persister holding the key writes the same bytes.
 */
export class ChainKeys {
  private constructor(
    private readonly privateKey: KeyObject | undefined,
    private readonly publicKey: KeyObject | undefined,
  ) {}

  /** No keys: links carry no signature and signatures are not checked. */
  static none(): ChainKeys {
    return new ChainKeys(undefined, undefined);
  }

  /** Reads and checks the keys; throws {@link ChainKeyError} naming the setting that is wrong. */
  static load(settings: ChainKeySettings): ChainKeys {
    const privateKey =
      settings.signingKey === undefined
        ? undefined
        : readKey('GANTRY_AUDIT_SIGNING_KEY', settings.signingKey, 'private');
    const verifyKey =
      settings.verifyKey === undefined ? undefined : readKey('GANTRY_AUDIT_VERIFY_KEY', settings.verifyKey, 'public');
    const derived = privateKey === undefined ? undefined : createPublicKey(privateKey);
    if (derived !== undefined && verifyKey !== undefined && !derived.equals(verifyKey)) {
      throw new ChainKeyError('GANTRY_AUDIT_VERIFY_KEY is not the public half of GANTRY_AUDIT_SIGNING_KEY');
    }
    return new ChainKeys(privateKey, verifyKey ?? derived);
  }

  /** Whether links written with these keys are signed. */
  get canSign(): boolean {
    return this.privateKey !== undefined;
  }

  /** Whether signatures are checked when verifying. */
  get canVerify(): boolean {
    return this.publicKey !== undefined;
  }

  /** The base64 signature of `hash` (hex), or null without a signing key. */
  sign(hash: string): string | null {
    if (this.privateKey === undefined) return null;
    return sign(null, Buffer.from(hash, 'hex'), this.privateKey).toString('base64');
  }

  /** True when `signature` is this key's signature of `hash`; false for anything else, never a throw. */
  verify(hash: string, signature: string): boolean {
    if (this.publicKey === undefined) return false;
    try {
      return verify(null, Buffer.from(hash, 'hex'), this.publicKey, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}

function readKey(setting: string, value: string, kind: 'private' | 'public'): KeyObject {
  let pem: string;
  const text = value.trim();
  if (text.startsWith('-----BEGIN')) {
    // Environment variables often carry PEM on one line with literal "\n".
    pem = text.replace(/\\n/g, '\n');
  } else {
    try {
      pem = readFileSync(text, 'utf8');
    } catch (error) {
      throw new ChainKeyError(`${setting}: cannot read the key file ${text}: ${errorMessage(error)}`);
    }
  }
  if (kind === 'public' && pem.includes('PRIVATE KEY')) {
    // createPublicKey would accept it, but the point of a verify key is that the verifier holds no private key.
    throw new ChainKeyError(`${setting}: expected a public key, got a private one`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new ChainKeyError(`${setting}: not a PEM ${kind} key: ${errorMessage(error)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ChainKeyError(`${setting}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}
