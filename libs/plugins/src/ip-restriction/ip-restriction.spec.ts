import { describe, expect, it } from '@jest/globals';
import { checkPluginConfig, createHandler, exitJson, runAccess, testRequest } from '../testing/plugin-harness';
import { ipRestriction } from './handler';

async function statusFor(config: Record<string, unknown>, clientIp: string): Promise<number> {
  const kong = await runAccess(createHandler(ipRestriction, config as never), testRequest({ clientIp }));
  return kong.exited?.status ?? 200;
}

describe('ip-restriction config', () => {
  it('fills in Kong 3.x defaults', () => {
    const check = checkPluginConfig(ipRestriction, { allow: ['10.0.0.0/8'] });
    expect(check.ok && check.config).toEqual({ allow: ['10.0.0.0/8'], deny: null, status: null, message: null });
    expect(check.ok && check.entity.protocols).toEqual(['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs']);
  });

  it('requires allow or deny and rejects bad addresses naming the field', () => {
    expect(checkPluginConfig(ipRestriction, {})).toEqual({
      ok: false,
      errors: { '@entity': ["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"] },
    });
    expect(checkPluginConfig(ipRestriction, { deny: ['10.0.0.0/33', '1.2.3.4'] })).toEqual({
      ok: false,
      errors: { config: { deny: ["invalid ip or cidr range: '10.0.0.0/33'", null] } },
    });
  });
});

describe('ip-restriction', () => {
  it("refuses denied addresses with 403 and Kong's message", async () => {
    const kong = await runAccess(
      createHandler(ipRestriction, { deny: ['192.0.2.0/24'] }),
      testRequest({ clientIp: '192.0.2.7' }),
    );
    expect(kong.exited?.status).toBe(403);
    expect(exitJson(kong)).toEqual({ message: 'IP address not allowed: 192.0.2.7', request_id: 'test-request-id' });
    expect(await statusFor({ deny: ['192.0.2.0/24'] }, '192.0.3.1')).toBe(200);
  });

  it('lets only allowed addresses through', async () => {
    const config = { allow: ['10.0.0.0/8', '203.0.113.5'] };
    expect(await statusFor(config, '10.20.30.40')).toBe(200);
    expect(await statusFor(config, '203.0.113.5')).toBe(200);
    expect(await statusFor(config, '203.0.113.6')).toBe(403);
  });

  it('applies deny before allow', async () => {
    expect(await statusFor({ allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] }, '10.1.2.3')).toBe(403);
    expect(await statusFor({ allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] }, '10.2.2.3')).toBe(200);
  });

  it('matches IPv6 addresses and CIDRs, and IPv4-mapped addresses against IPv4 rules', async () => {
    const config = { allow: ['2001:db8::/32', '::1'] };
    expect(await statusFor(config, '2001:db8:abcd::42')).toBe(200);
    expect(await statusFor(config, '::1')).toBe(200);
    expect(await statusFor(config, '2001:db9::1')).toBe(403);
    expect(await statusFor({ deny: ['198.51.100.0/24'] }, '::ffff:198.51.100.10')).toBe(403);
  });

  it('answers with the configured status and message', async () => {
    const kong = await runAccess(
      createHandler(ipRestriction, { deny: ['0.0.0.0/0'], status: 401, message: 'go away' }),
      testRequest({ clientIp: '8.8.8.8' }),
    );
    expect(kong.exited?.status).toBe(401);
    expect(exitJson(kong)).toMatchObject({ message: 'go away' });
  });

  it('refuses a client without an IP address', async () => {
    const kong = await runAccess(
      createHandler(ipRestriction, { allow: ['0.0.0.0/0'] }),
      testRequest({ clientIp: 'unix:' }),
    );
    expect(kong.exited?.status).toBe(403);
    expect(exitJson(kong)).toMatchObject({
      message: 'Cannot identify the client IP address, unix domain sockets are not supported.',
    });
  });
});
