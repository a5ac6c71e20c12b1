import { describe, expect, it } from '@jest/globals';
import { checkPluginConfig, createHandler, exitJson, runAccess, testRequest } from '../testing/plugin-harness';
import { requestTermination } from './handler';

const definition = requestTermination;

describe('request-termination', () => {
  it('answers 503 "Service unavailable" by default', async () => {
    const kong = await runAccess(createHandler(definition), testRequest());
    expect(kong.exited?.status).toBe(503);
    expect(exitJson(kong)).toEqual({ message: 'Service unavailable' });
  });

  it('sends a raw body with its content type', async () => {
    const handler = createHandler(definition, { status_code: 418, body: '<teapot/>', content_type: 'text/xml' });
    const kong = await runAccess(handler, testRequest());
    expect(kong.exited?.status).toBe(418);
    expect(kong.exited?.body.toString()).toBe('<teapot/>');
    expect(kong.exited?.headers['content-type']).toBe('text/xml');
  });

  it('uses the configured message', async () => {
    const kong = await runAccess(createHandler(definition, { status_code: 403, message: 'go away' }), testRequest());
    expect(exitJson(kong)).toEqual({ message: 'go away' });
  });

  it('only terminates requests carrying the trigger', async () => {
    const handler = createHandler(definition, { trigger: 'X-Stop' });
    expect((await runAccess(handler, testRequest())).exited).toBeNull();
    expect((await runAccess(handler, testRequest({ headers: { 'x-stop': '1' } }))).exited?.status).toBe(503);
    // The query argument is matched by the configured name, case-sensitively (Kong's `get_query()[trigger]`).
    expect((await runAccess(handler, testRequest({ url: '/?X-Stop' }))).exited?.status).toBe(503);
    expect((await runAccess(handler, testRequest({ url: '/?x-stop' }))).exited).toBeNull();
  });

  it('echoes the request', async () => {
    const kong = await runAccess(createHandler(definition, { echo: true }), testRequest({ url: '/a?b=1' }));
    expect(exitJson(kong)).toMatchObject({ request: { path: '/a', query: { b: '1' } } });
  });

  it('rejects bad config naming the field', () => {
    expect(checkPluginConfig(definition, { status_code: 600 })).toEqual({
      ok: false,
      errors: { config: { status_code: 'value should be between 100 and 599' } },
    });
    const both = checkPluginConfig(definition, { message: 'x', body: 'y' });
    expect(both.ok).toBe(false);
    const typeOnly = checkPluginConfig(definition, { content_type: 'text/plain' });
    expect(typeOnly.ok).toBe(false);
  });
});
