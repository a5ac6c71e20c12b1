import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError } from '@gantry/settings';
import { ANONYMOUS, Authenticator, presentedToken } from './authenticator';
import { AdminExposureError, assertAdminExposure, isLoopback } from './exposure';
import { loadAdminTokens, parseTokenFile, parseTokenList } from './tokens';

describe('admin tokens', () => {
  it('parses name:role:token lists (tokens may contain colons)', () => {
    expect(parseTokenList('ci:admin:s3cret-token, grafana:read:abc:def:ghi')).toEqual([
      { name: 'ci', role: 'admin', token: 's3cret-token' },
      { name: 'grafana', role: 'read', token: 'abc:def:ghi' },
    ]);
  });

  it('names the variable and the entry in every error', () => {
    expect(() => parseTokenList('ci:root:s3cret-token')).toThrow(/GANTRY_ADMIN_TOKENS: entry 1 \(ci\): role/);
    expect(() => parseTokenList('ci:admin')).toThrow(SettingsError);
    expect(() => parseTokenList('ci:admin:short')).toThrow(/at least 8/);
    expect(() => parseTokenList('a b:admin:s3cret-token')).toThrow(/name must match/);
  });

  it('reads YAML or JSON token files and refuses duplicates', () => {
    expect(parseTokenFile('- {name: a, role: read, token: aaaaaaaa}\n')).toEqual([
      { name: 'a', role: 'read', token: 'aaaaaaaa' },
    ]);
    expect(parseTokenFile('{"tokens":[{"name":"b","role":"admin","token":"bbbbbbbb"}]}')).toHaveLength(1);
    expect(() => parseTokenFile('nope: [')).toThrow(/GANTRY_ADMIN_TOKENS_FILE/);
    const dir = mkdtempSync(join(tmpdir(), 'gantry-tokens-'));
    const file = join(dir, 'tokens.yaml');
    writeFileSync(file, '- {name: a, role: admin, token: aaaaaaaa}\n');
    expect(loadAdminTokens({ tokens: 'b:read:bbbbbbbb', tokensFile: file }).map((t) => t.name)).toEqual(['b', 'a']);
    expect(() => loadAdminTokens({ tokens: 'a:read:cccccccc', tokensFile: file })).toThrow(/used twice/);
    expect(() => loadAdminTokens({ tokens: 'b:read:aaaaaaaa', tokensFile: file })).toThrow(/reuses/);
    expect(() => loadAdminTokens({ tokens: undefined, tokensFile: join(dir, 'missing') })).toThrow(/cannot read/);
  });
});

describe('Authenticator', () => {
  const auth = new Authenticator(parseTokenList('ci:admin:admin-token-1,viewer:read:read-token-1'));

  it('takes Kong-Admin-Token, then Authorization: Bearer', () => {
    expect(presentedToken({ 'kong-admin-token': ' t1 ' })).toBe('t1');
    expect(presentedToken({ authorization: 'bearer t2' })).toBe('t2');
    expect(presentedToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(auth.authenticate({ authorization: 'Bearer read-token-1' })).toEqual({
      ok: true,
      principal: { name: 'viewer', role: 'read' },
    });
    expect(auth.authenticate({ 'kong-admin-token': 'admin-token-1' })).toMatchObject({ principal: { name: 'ci' } });
  });

  it('tells missing from invalid tokens', () => {
    expect(auth.authenticate({})).toEqual({ ok: false, reason: 'missing' });
    expect(auth.authenticate({ 'kong-admin-token': 'admin-token-2' })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('lets everyone in as anonymous admin when no token is configured', () => {
    const open = new Authenticator([]);
    expect(open.enabled).toBe(false);
    expect(open.authenticate({})).toEqual({ ok: true, principal: ANONYMOUS });
  });
});

describe('admin exposure', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'admin.example.com']) expect(isLoopback(host)).toBe(false);
  });

  it('refuses a non-loopback listener without tokens', () => {
    expect(() => assertAdminExposure({ host: '0.0.0.0', port: 8001 }, false)).toThrow(AdminExposureError);
    expect(() => assertAdminExposure({ host: '0.0.0.0', port: 8001 }, false)).toThrow(/GANTRY_ADMIN_TOKENS/);
    expect(() => assertAdminExposure({ host: '0.0.0.0', port: 8001 }, true)).not.toThrow();
    expect(() => assertAdminExposure({ host: '127.0.0.1', port: 8001 }, false)).not.toThrow();
  });
});
