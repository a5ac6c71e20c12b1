import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '@gantry/config';
import { PluginError } from '../runtime/errors';
import type { PluginRequest } from '../runtime/plugin-request';
import { checkPluginConfig, createHandler, runAccess, testRequest, type TestRequest } from '../testing/plugin-harness';
import { requestTransformer } from './handler';

const definition = requestTransformer;

async function transform(config: JsonObject, request: TestRequest = {}): Promise<PluginRequest> {
  return runAccess(createHandler(definition, config), testRequest(request));
}

function errorsOf(config: JsonObject): unknown {
  const check = checkPluginConfig(definition, config);
  return check.ok ? undefined : check.errors;
}

const EMPTY_LISTS = { body: [], headers: [], querystring: [] };

describe('request-transformer config', () => {
  it('fills Kong defaults', () => {
    const check = checkPluginConfig(definition, {});
    expect(check.ok && check.config).toEqual({
      http_method: null,
      remove: EMPTY_LISTS,
      rename: EMPTY_LISTS,
      replace: { ...EMPTY_LISTS, uri: null },
      add: EMPTY_LISTS,
      append: EMPTY_LISTS,
    });
    expect(check.ok && check.entity.protocols).toEqual(['grpc', 'grpcs', 'http', 'https']);
  });

  it('refuses a bad http_method', () => {
    expect(errorsOf({ http_method: 'HELLO!' })).toEqual({ config: { http_method: 'invalid value: HELLO!' } });
  });

  it('refuses entries without a colon, naming the field', () => {
    expect(errorsOf({ add: { headers: ['just_a_key'] } })).toEqual({
      config: { add: { headers: ['invalid value: just_a_key'] } },
    });
    expect(errorsOf({ append: { querystring: ['ok:1', 'nokey'] } })).toEqual({
      config: { append: { querystring: [null, "key 'nokey' has no value"] } },
    });
    expect(errorsOf({ replace: { body: ['empty:'] } })).toEqual({
      config: { replace: { body: ["key 'empty' has no value"] } },
    });
  });

  it('accepts remove entries without colons', () => {
    const check = checkPluginConfig(definition, {
      remove: { headers: ['just_a_key'], body: ['just_a_key'], querystring: ['just_a_key'] },
    });
    expect(check.ok).toBe(true);
  });

  it('validates header names and values', () => {
    expect(errorsOf({ rename: { headers: ['X-Test:not a header name'] } })).toEqual({
      config: { rename: { headers: ["'not a header name' is not a valid header"] } },
    });
    expect(errorsOf({ remove: { headers: ['bad header'] } })).toEqual({
      config: { remove: { headers: ["'bad header' is not a valid header"] } },
    });
    for (const op of ['add', 'append', 'replace']) {
      expect(checkPluginConfig(definition, { [op]: { headers: ['X-Test:a value; with punctuation!'] } }).ok).toBe(true);
      expect(errorsOf({ [op]: { headers: ['X-Test:invalid\rvalue'] } })).toEqual({
        config: { [op]: { headers: ["'invalid\rvalue' is not a valid header"] } },
      });
    }
  });

  it('refuses templates it cannot compile', () => {
    expect(errorsOf({ add: { querystring: ['p:$(uri_captures user2)'] } })).toEqual({
      config: {
        add: {
          querystring: [
            "value '$(uri_captures user2)' is not in supported format, error:'uri_captures' must be indexed, as in uri_captures.name",
          ],
        },
      },
    });
    expect(checkPluginConfig(definition, { add: { querystring: ['p1:$(uri_captures.user1)', 'p2:v'] } }).ok).toBe(true);
    expect(errorsOf({ replace: { uri: '/x/$(nope)' } })).toEqual({
      config: {
        replace: { uri: "value '/x/$(nope)' is not in supported format, error:unknown template variable 'nope'" },
      },
    });
  });

  it('does not allow null lists', () => {
    expect(errorsOf({ remove: { body: null, headers: null, querystring: null } })).toEqual({
      config: {
        remove: {
          body: 'required field missing',
          headers: 'required field missing',
          querystring: 'required field missing',
        },
      },
    });
  });
});

describe('request-transformer headers', () => {
  it('removes, renames, replaces, adds and appends in that order', async () => {
    const kong = await transform(
      {
        remove: { headers: ['x-gone', 'x-readd'] },
        rename: { headers: ['x-old:x-new'] },
        replace: { headers: ['x-present:replaced', 'x-absent:never'] },
        add: { headers: ['x-readd:added', 'x-present:not-added', 'x-added:yes'] },
        append: { headers: ['x-added:again', 'x-list:one'] },
      },
      { headers: { 'x-gone': '1', 'x-readd': 'old', 'x-old': 'v', 'x-present': 'orig' } },
    );
    const h = kong.headers;
    expect(h['x-gone']).toBeUndefined();
    expect(h['x-readd']).toBe('added');
    expect(h['x-old']).toBeUndefined();
    expect(h['x-new']).toBe('v');
    expect(h['x-present']).toBe('replaced');
    expect(h['x-absent']).toBeUndefined();
    expect(h['x-added']).toEqual(['yes', 'again']);
    expect(h['x-list']).toBe('one');
  });

  it('is case-insensitive on names', async () => {
    const kong = await transform(
      { remove: { headers: ['X-Token'] }, add: { headers: ['X-Mixed:1'] } },
      {
        headers: { 'x-token': 'secret' },
      },
    );
    expect(kong.headers['x-token']).toBeUndefined();
    expect(kong.headers['x-mixed']).toBe('1');
  });

  it('replaces Host (the upstream Host) but never removes, adds or appends it', async () => {
    const replaced = await transform({ replace: { headers: ['Host:internal.example'] } });
    expect(replaced.headers.host).toBe('internal.example');
    const untouched = await transform({
      remove: { headers: ['host'] },
      add: { headers: ['host:x'] },
      append: { headers: ['host:y'] },
    });
    expect(untouched.headers.host).toBe('example.com');
  });

  it('renders header templates from the request as it arrived', async () => {
    const kong = await transform(
      {
        remove: { headers: ['x-user'] },
        add: { headers: ['x-from-header:$(headers.x_user)', 'x-from-query:$(query_params.id)'] },
      },
      { url: '/a?id=7', headers: { 'x-user': 'ann' } },
    );
    expect(kong.headers['x-user']).toBeUndefined();
    expect(kong.headers['x-from-header']).toBe('ann');
    expect(kong.headers['x-from-query']).toBe('7');
  });

  it('answers 500 when a template carries control characters into a header', async () => {
    const handler = createHandler(definition, { add: { headers: ['x-q:$(query_params.q)'] } });
    await expect(runAccess(handler, testRequest({ url: '/?q=a%0d%0aInjected:%201' }))).rejects.toBeInstanceOf(
      PluginError,
    );
  });
});

describe('request-transformer query', () => {
  it('applies the operations and re-encodes with sorted names', async () => {
    const kong = await transform(
      {
        remove: { querystring: ['drop'] },
        rename: { querystring: ['old:new'] },
        replace: { querystring: ['keep:replaced', 'absent:x'] },
        add: { querystring: ['added:a b', 'keep:no'] },
        append: { querystring: ['list:2'] },
      },
      { url: '/p?zeta=1&drop=1&old=v&keep=k&list=1&flag' },
    );
    expect(kong.upstreamQuery).toBe('added=a%20b&flag&keep=replaced&list=1&list=2&new=v&zeta=1');
  });

  it('leaves the query untouched without query operations', async () => {
    const kong = await transform({ add: { headers: ['x:1'] } }, { url: '/p?b=1&a=2' });
    expect(kong.upstreamQuery).toBe('b=1&a=2');
  });

  it('fills values from templates', async () => {
    const kong = await transform(
      { add: { querystring: ['user:$(uri_captures.user)', 'first:$(uri_captures[1])'] } },
      { url: '/users/42', captures: { unnamed: ['/users/42', '42'], named: { user: '42' } } },
    );
    expect(kong.upstreamQuery).toBe('first=42&user=42');
  });
});

describe('request-transformer uri and method', () => {
  it('replaces the upstream path with a rendered template', async () => {
    const kong = await transform(
      { replace: { uri: '/v2/$(uri_captures.id)/$(shared.tenant or "none")' } },
      { url: '/v1/abc', captures: { unnamed: ['/v1/abc', 'abc'], named: { id: 'abc' } } },
    );
    expect(kong.upstreamPath).toBe('/v2/abc/none');
  });

  it('percent-encodes what a path cannot carry', async () => {
    const kong = await transform({ replace: { uri: '/a b/$(query_params.q)' } }, { url: '/?q=%C3%A9' });
    expect(kong.upstreamPath).toBe('/a%20b/%C3%A9');
  });

  it('answers 500 when the rendered path does not start with /', async () => {
    const handler = createHandler(definition, { replace: { uri: '$(query_params.p)' } });
    await expect(runAccess(handler, testRequest({ url: '/?p=x' }))).rejects.toBeInstanceOf(PluginError);
  });

  it('changes the upstream method', async () => {
    const kong = await transform({ http_method: 'POST' });
    expect(kong.upstreamMethod).toBe('POST');
    expect(kong.method).toBe('GET');
  });

  it('moves a form body into the query when switching to GET', async () => {
    const kong = await transform(
      { http_method: 'GET', add: { querystring: ['z:1'] } },
      {
        method: 'POST',
        url: '/p?a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=2&b=x+y',
      },
    );
    expect(kong.upstreamMethod).toBe('GET');
    expect(kong.upstreamQuery).toBe('a=1&a=2&b=x%20y&z=1');
  });
});

describe('request-transformer body', () => {
  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

  it('transforms a JSON body and fixes Content-Length', async () => {
    const kong = await transform(
      {
        remove: { body: ['secret'] },
        rename: { body: ['old:new'] },
        replace: { body: ['name:bob', 'falsy:x'] },
        add: { body: ['added:1', 'name:nope'] },
        append: { body: ['tags:b', 'fresh:v'] },
      },
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ secret: 1, old: 'o', name: 'ann', falsy: false, tags: 'a' }),
      },
    );
    const body = kong.upstreamBody!.toString();
    expect(JSON.parse(body)).toEqual({
      new: 'o',
      name: 'bob',
      falsy: false,
      added: '1',
      tags: ['a', 'b'],
      fresh: ['v'],
    });
    expect(kong.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('adds to an empty JSON body but does not remove from it', async () => {
    const kong = await transform(
      { remove: { body: ['x'] }, add: { body: ['a:$(headers.x_id)'] } },
      { method: 'POST', headers: { ...json, 'x-id': '9' }, body: '' },
    );
    expect(kong.upstreamBody?.toString()).toBe('{"a":"9"}');
  });

  it('leaves a body that is not valid JSON alone', async () => {
    const kong = await transform({ add: { body: ['a:1'] } }, { method: 'POST', headers: json, body: '{broken' });
    expect(kong.upstreamBody?.toString()).toBe('{broken');
  });

  it('transforms an urlencoded form body', async () => {
    const kong = await transform(
      {
        remove: { body: ['drop'] },
        rename: { body: ['old:new'] },
        replace: { body: ['keep:k2'] },
        add: { body: ['added:a b'] },
        append: { body: ['keep:k3'] },
      },
      { method: 'POST', headers: form, body: 'drop=1&old=o&keep=k1&flag' },
    );
    expect(kong.upstreamBody?.toString()).toBe('keep=k2&keep=k3&flag&new=o&added=a%20b');
  });

  it('transforms a multipart body (rename before remove, no append)', async () => {
    const boundary = 'XyZ';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="old"\r\n\r\nold value\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n\x00\x01binary\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="gone"\r\n\r\nbye\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="keep"\r\n\r\nk1\r\n` +
      `--${boundary}--\r\n`;
    const kong = await transform(
      {
        rename: { body: ['old:new'] },
        remove: { body: ['gone', 'new'] },
        replace: { body: ['keep:k2'] },
        add: { body: ['added:yes'] },
        append: { body: ['never:1'] },
      },
      {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Buffer.from(body, 'latin1'),
      },
    );
    const out = kong.upstreamBody!.toString('latin1');
    expect(out).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n\x00\x01binary\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="keep"\r\n\r\nk2\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="added"\r\n\r\nyes\r\n` +
        `--${boundary}--\r\n`,
    );
  });

  it('reads no body without body operations or for other content types', async () => {
    const noOps = await transform({ add: { headers: ['x:1'] } }, { method: 'POST', headers: json, body: '{}' });
    expect(noOps.bodyBuffered).toBe(false);
    const other = await transform(
      { add: { body: ['a:1'] } },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' },
    );
    expect(other.bodyBuffered).toBe(false);
  });

  it('stays synchronous when no body is needed', () => {
    const handler = createHandler(definition, { add: { headers: ['x:1'], querystring: ['q:1'] } });
    expect(handler.access!(testRequest())).toBeUndefined();
  });
});
