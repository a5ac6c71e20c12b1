import { describe, expect, it } from '@jest/globals';
import { checkPluginConfig, createHandler, exitJson, runAccess, testRequest } from '../testing/plugin-harness';
import { requestSizeLimiting } from './handler';

describe('request-size-limiting config', () => {
  it('fills in Kong 3.x defaults', () => {
    const check = checkPluginConfig(requestSizeLimiting, {});
    expect(check.ok && check.config).toEqual({
      allowed_payload_size: 128,
      size_unit: 'megabytes',
      require_content_length: false,
    });
  });

  it('rejects unknown units and fractional sizes naming the field', () => {
    expect(checkPluginConfig(requestSizeLimiting, { size_unit: 'gigabytes' })).toEqual({
      ok: false,
      errors: { config: { size_unit: 'expected one of: megabytes, kilobytes, bytes' } },
    });
    expect(checkPluginConfig(requestSizeLimiting, { allowed_payload_size: 1.5 })).toEqual({
      ok: false,
      errors: { config: { allowed_payload_size: 'expected an integer' } },
    });
  });
});

describe('request-size-limiting', () => {
  const tenBytes = { allowed_payload_size: 10, size_unit: 'bytes' };

  it('lets bodies up to the limit through', async () => {
    const kong = await runAccess(
      createHandler(requestSizeLimiting, tenBytes),
      testRequest({ method: 'POST', body: '0123456789' }),
    );
    expect(kong.exited).toBeNull();
    // A declared length is enough: the body is left streaming.
    expect(kong.bodyBuffered).toBe(false);
  });

  it('answers 413 for a declared length over the limit', async () => {
    const kong = await runAccess(
      createHandler(requestSizeLimiting, tenBytes),
      testRequest({ method: 'POST', body: '0123456789A' }),
    );
    expect(kong.exited?.status).toBe(413);
    expect(exitJson(kong)).toEqual({ message: 'Request size limit exceeded', request_id: 'test-request-id' });
  });

  it('answers 417 when the client expects 100-continue', async () => {
    const request = testRequest({ method: 'POST', headers: { 'content-length': '11', expect: ' 100-Continue ' } });
    const kong = await runAccess(createHandler(requestSizeLimiting, tenBytes), request);
    expect(kong.exited?.status).toBe(417);
    expect(exitJson(kong)).toMatchObject({ message: 'Request size limit exceeded' });
  });

  it('counts kilobytes and megabytes in powers of two', async () => {
    const config = { allowed_payload_size: 1, size_unit: 'kilobytes' };
    const at = (length: number) => testRequest({ method: 'POST', headers: { 'content-length': String(length) } });
    expect((await runAccess(createHandler(requestSizeLimiting, config), at(1024))).exited).toBeNull();
    expect((await runAccess(createHandler(requestSizeLimiting, config), at(1025))).exited?.status).toBe(413);
    const mb = createHandler(requestSizeLimiting, {});
    expect((await runAccess(mb, at(128 * 2 ** 20))).exited).toBeNull();
    expect((await runAccess(mb, at(128 * 2 ** 20 + 1))).exited?.status).toBe(413);
  });

  it('counts chunked bodies while reading them', async () => {
    const chunked = (body: string) =>
      testRequest({ method: 'POST', headers: { 'transfer-encoding': 'chunked' }, body });
    const small = await runAccess(createHandler(requestSizeLimiting, tenBytes), chunked('0123456789'));
    expect(small.exited).toBeNull();
    expect(small.upstreamBody?.toString()).toBe('0123456789');
    const large = await runAccess(createHandler(requestSizeLimiting, tenBytes), chunked('0123456789A'));
    expect(large.exited?.status).toBe(413);
  });

  it('requires a Content-Length when configured', async () => {
    const handler = createHandler(requestSizeLimiting, { require_content_length: true });
    const kong = await runAccess(handler, testRequest({ method: 'POST', headers: { 'transfer-encoding': 'chunked' } }));
    expect(kong.exited?.status).toBe(411);
    expect(exitJson(kong)).toMatchObject({ message: 'A valid Content-Length header is required' });
    expect((await runAccess(handler, testRequest({ method: 'POST', body: 'x' }))).exited).toBeNull();
  });

  it('leaves requests without a body alone', async () => {
    const kong = await runAccess(createHandler(requestSizeLimiting, tenBytes), testRequest());
    expect(kong.exited).toBeNull();
    expect(kong.bodyBuffered).toBe(false);
  });
});
