/**
 * The transform plugins (request-transformer, response-transformer, proxy-cache) configured through the Admin
 * API and answered by a real proxy replica (real Kafka and Cassandra): what reaches the upstream, what reaches
 * the client, cache hits proven by an upstream counter, and bad config refused with Kong-shaped errors.
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster } from '../support/gantry-cluster';
import { http, type HttpAnswer, type HttpCall } from '../support/http-client';

jest.setTimeout(300_000);

/** What the lab upstream's echo answers: the request as it arrived, body included. */
interface BodyEcho {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The JSON body `/json` and `/chunked` answer, before any transformation. */
const UPSTREAM_JSON = { keep: 'k', drop: 'd', old: 'o', count: 1, tags: 'first' };
const UPSTREAM_TEXT = 'plain text, untouched';

/**
 * One upstream for every route (routes keep their path, `strip_path: false`), answering by path prefix:
 * `/json` a JSON object with headers to transform, `/chunked` the same without Content-Length, `/text` plain
 * text, `/cache...` a counted answer whose type and Cache-Control follow the path, anything else an echo of the
 * request (method, url, headers and the body received).
 */
class LabUpstream {
  /** Requests received, by path without query. */
  readonly hits = new Map<string, number>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks)));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const transformable = {
      'x-remove-me': 'gone',
      'x-rename-me': 'moved',
      'x-replace-me': 'old',
      'x-append-me': 'one',
    };
    if (path.startsWith('/json')) {
      send(res, 'application/json', JSON.stringify(UPSTREAM_JSON), transformable);
    } else if (path.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'application/json', ...transformable });
      const text = JSON.stringify(UPSTREAM_JSON);
      res.write(text.slice(0, 10));
      setTimeout(() => res.end(text.slice(10)), 5);
    } else if (path.startsWith('/text')) {
      send(res, 'text/plain', UPSTREAM_TEXT, transformable);
    } else if (path.startsWith('/cache')) {
      const n = this.hits.get(path)!;
      if (path.includes('html')) send(res, 'text/html', `<p>${n}</p>`);
      else send(res, 'application/json', JSON.stringify({ path, n }), cacheControlFor(path));
    } else {
      const echo: BodyEcho = { method: req.method ?? '', url, headers: req.headers, body: body.toString('utf8') };
      send(res, 'application/json', JSON.stringify(echo));
    }
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function cacheControlFor(path: string): Record<string, string> {
  if (path.includes('no-store')) return { 'cache-control': 'no-store' };
  if (path.includes('private')) return { 'cache-control': 'private, max-age=60' };
  if (path.includes('public')) return { 'cache-control': 'public, max-age=60' };
  return {};
}

function send(res: ServerResponse, type: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const cluster = new GantryCluster();
let admin: AdminClient;
let lab: LabUpstream;

type PluginBody = { name: string; config?: Record<string, unknown> };

async function created(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await admin.post(path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
  return answer.body as Record<string, unknown>;
}

/** A route on the lab service with `plugins` on it (not yet converged). */
async function route(name: string, paths: string[], ...plugins: PluginBody[]): Promise<void> {
  await created('/services/lab/routes', { name, paths, strip_path: false });
  for (const plugin of plugins) await created(`/routes/${name}/plugins`, plugin);
}

function proxy(path: string, call: HttpCall = {}): Promise<HttpAnswer> {
  return http(cluster.proxies[0].url, path, call);
}

function echoOf(answer: HttpAnswer): BodyEcho {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status: 200 });
  return answer.json as BodyEcho;
}

const requestTransformer = (config: Record<string, unknown>): PluginBody => ({ name: 'request-transformer', config });
const responseTransformer = (config: Record<string, unknown>): PluginBody => ({
  name: 'response-transformer',
  config,
});
const proxyCache = (config: Record<string, unknown> = {}): PluginBody => ({
  name: 'proxy-cache',
  config: { strategy: 'memory', ...config },
});

const RESPONSE_CONFIG = {
  remove: { headers: ['x-remove-me'], json: ['drop'] },
  rename: { headers: ['x-rename-me:x-renamed'], json: ['old:renamed'] },
  replace: { headers: ['x-replace-me:new'], json: ['count:42'], json_types: ['number'] },
  add: {
    headers: ['x-added:yes', 'x-replace-me:not-added'],
    json: ['flag:true', 'num:7', 'str:hello', 'keep:not-added'],
    json_types: ['boolean', 'number', 'string', 'string'],
  },
  append: { headers: ['x-append-me:two'], json: ['tags:second'] },
};

/** The upstream JSON once RESPONSE_CONFIG applied. */
const TRANSFORMED_JSON = {
  keep: 'k',
  renamed: 'o',
  count: 42,
  tags: ['first', 'second'],
  flag: true,
  num: 7,
  str: 'hello',
};

/**
 * RESPONSE_CONFIG without appends, whose operations give the same result when applied twice: Kong runs the
 * response phases again on a cache hit (an exit), so a cached answer must not depend on how often they ran.
 */
const IDEMPOTENT_CONFIG = { ...RESPONSE_CONFIG, append: { headers: [], json: [] } };
const IDEMPOTENT_JSON = { ...TRANSFORMED_JSON, tags: 'first' };

beforeAll(async () => {
  lab = await new LabUpstream().start();
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await created('/services', { name: 'lab', url: lab.url });

  await route(
    'rt-headers',
    ['/echo-headers'],
    requestTransformer({
      remove: { headers: ['x-remove'], querystring: ['q-remove'] },
      rename: { headers: ['x-old:x-new'], querystring: ['q-old:q-new'] },
      replace: { headers: ['x-replace:replaced', 'x-absent:never'], querystring: ['q-replace:new', 'q-absent:never'] },
      add: {
        headers: [
          'x-add:added',
          'x-replace:not-added',
          'x-from-header:<$(headers["x-source"])>',
          'x-from-query:$(query_params.user or "anon")',
        ],
        querystring: ['q-add:1', 'q-replace:not-added', 'q-from-header:$(headers.x_source)'],
      },
      append: { headers: ['x-append:appended'], querystring: ['q-append:2'] },
    }),
  );
  await route(
    'rt-body',
    ['/echo-body'],
    requestTransformer({
      remove: { body: ['secret'] },
      rename: { body: ['old:new'] },
      replace: { body: ['status:replaced', 'absent:never'] },
      add: { body: ['added:yes', 'keep:not-added', 'who:$(headers.x_user)'] },
      append: { body: ['tags:t2'] },
    }),
  );
  await route('rt-method', ['/echo-method'], requestTransformer({ http_method: 'POST' }));
  await route('rt-to-get', ['/echo-to-get'], requestTransformer({ http_method: 'GET' }));
  await route(
    'rt-uri',
    ['~/echo-users/(?<user>\\w+)/items/(?<item>\\d+)$'],
    requestTransformer({ replace: { uri: '/accounts/$(uri_captures.user)/things/$(uri_captures["item"])' } }),
  );
  await route('rt-host', ['/echo-host'], requestTransformer({ replace: { headers: ['host:internal.example'] } }));

  await route('resp-json', ['/json'], responseTransformer(RESPONSE_CONFIG));
  await route('resp-chunked', ['/chunked'], responseTransformer(RESPONSE_CONFIG));
  await route('resp-text', ['/text'], responseTransformer(RESPONSE_CONFIG));
  await route(
    'resp-exit',
    ['/exit'],
    { name: 'request-termination', config: { status_code: 403, message: 'denied' } },
    responseTransformer({ add: { headers: ['x-added:yes'], json: ['extra:1'], json_types: ['number'] } }),
  );

  await route('cache-basic', ['/cache-basic'], proxyCache());
  await route('cache-html', ['/cache-html'], proxyCache());
  await route('cache-ttl', ['/cache-ttl'], proxyCache({ cache_ttl: 1 }));
  await route('cache-vary', ['/cache-vary'], proxyCache({ vary_query_params: ['page'] }));
  await route('cache-no-store', ['/cache-cc-no-store'], proxyCache({ cache_control: true }));
  await route('cache-private', ['/cache-cc-private'], proxyCache({ cache_control: true }));
  await route('cache-public', ['/cache-cc-public'], proxyCache({ cache_control: true }));
  await route('cache-transformed', ['/json-cached'], proxyCache(), responseTransformer(IDEMPOTENT_CONFIG));
  await cluster.converge();
});

afterAll(async () => {
  await cluster.stop();
  await lab?.close();
});

describe('request-transformer', () => {
  it('removes, renames, replaces, adds and appends headers and query arguments, with templates', async () => {
    const echo = echoOf(
      await proxy('/echo-headers?q-remove=1&q-old=v&q-replace=old&q-append=1&user=ann', {
        headers: {
          'x-remove': 'bye',
          'x-old': 'moved',
          'x-replace': 'orig',
          'x-append': 'first',
          'x-source': 'src',
          'x-untouched': 'same',
        },
      }),
    );
    const h = echo.headers;
    expect(h['x-remove']).toBeUndefined();
    expect(h['x-old']).toBeUndefined();
    expect(h['x-new']).toBe('moved');
    expect(h['x-replace']).toBe('replaced');
    expect(h['x-absent']).toBeUndefined();
    expect(h['x-add']).toBe('added');
    expect(h['x-from-header']).toBe('<src>');
    expect(h['x-from-query']).toBe('ann');
    // Two header lines; Node's server joins them.
    expect(h['x-append']).toBe('first, appended');
    expect(h['x-untouched']).toBe('same');

    const [path, query] = echo.url.split('?');
    expect(path).toBe('/echo-headers');
    // Kong re-encodes the query with names in lexicographic order.
    expect(query).toBe('q-add=1&q-append=1&q-append=2&q-from-header=src&q-new=v&q-replace=new&user=ann');
  });

  it('renders a template default when the query argument is absent', async () => {
    const echo = echoOf(await proxy('/echo-headers'));
    expect(echo.headers['x-from-query']).toBe('anon');
    expect(echo.headers['x-from-header']).toBe('<>');
    expect(echo.headers['x-replace']).toBe('not-added');
    // Absent, `q-replace` is not replaced but added.
    expect(echo.url).toBe('/echo-headers?q-add=1&q-append=2&q-from-header=&q-replace=not-added');
  });

  it('transforms a JSON body and sends it with a matching Content-Length', async () => {
    const sent = { secret: 'x', old: 'o', status: 'orig', keep: 1, tags: 't1' };
    const echo = echoOf(
      await proxy('/echo-body', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'ann' },
        body: JSON.stringify(sent),
      }),
    );
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body)).toEqual({
      new: 'o',
      status: 'replaced',
      keep: 1,
      tags: ['t1', 't2'],
      added: 'yes',
      who: 'ann',
    });
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(echo.body)));
    expect(echo.headers['transfer-encoding']).toBeUndefined();
  });

  it('transforms a JSON body the client sent chunked', async () => {
    const echo = echoOf(
      await proxy('/echo-body', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: JSON.stringify({ secret: 'x', keep: true }),
      }),
    );
    expect(JSON.parse(echo.body)).toEqual({ keep: true, added: 'yes', tags: ['t2'], who: '' });
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(echo.body)));
    expect(echo.headers['transfer-encoding']).toBeUndefined();
  });

  it('transforms a form body', async () => {
    const echo = echoOf(
      await proxy('/echo-body', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-user': 'bob' },
        body: 'secret=x&old=o&status=orig&keep=1&tags=t1',
      }),
    );
    const form = new URLSearchParams(echo.body);
    expect(form.has('secret')).toBe(false);
    expect(form.has('old')).toBe(false);
    expect(form.get('new')).toBe('o');
    expect(form.get('status')).toBe('replaced');
    expect(form.get('keep')).toBe('1');
    expect(form.get('added')).toBe('yes');
    expect(form.get('who')).toBe('bob');
    expect(form.getAll('tags')).toEqual(['t1', 't2']);
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(echo.body)));
  });

  it('leaves a body of another content type as it is', async () => {
    const echo = echoOf(
      await proxy('/echo-body', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'secret=x' }),
    );
    expect(echo.body).toBe('secret=x');
  });

  it('changes the method sent upstream', async () => {
    const echo = echoOf(await proxy('/echo-method'));
    expect(echo.method).toBe('POST');
  });

  it('moves a form body into the query when the method becomes GET', async () => {
    const echo = echoOf(
      await proxy('/echo-to-get?z=0&a=first', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=2',
      }),
    );
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/echo-to-get?a=first&a=1&b=2&z=0');
  });

  it('replaces the upstream path with a template of the regex route captures', async () => {
    const echo = echoOf(await proxy('/echo-users/ann/items/42?x=1'));
    expect(echo.url).toBe('/accounts/ann/things/42?x=1');
  });

  it('replaces Host, which reaches the upstream as its Host', async () => {
    const echo = echoOf(await proxy('/echo-host', { headers: { host: 'client.example' } }));
    expect(echo.headers.host).toBe('internal.example');
  });
});

describe('response-transformer', () => {
  function expectTransformedHeaders(answer: HttpAnswer): void {
    const h = answer.headers;
    expect(h['x-remove-me']).toBeUndefined();
    expect(h['x-rename-me']).toBeUndefined();
    expect(h['x-renamed']).toBe('moved');
    expect(h['x-replace-me']).toBe('new');
    expect(h['x-added']).toBe('yes');
    expect(h['x-append-me']).toBe('one, two');
  }

  it('transforms the headers and the JSON body, with json_types and a correct Content-Length', async () => {
    const answer = await proxy('/json');
    expect(answer.status).toBe(200);
    expectTransformedHeaders(answer);
    expect(answer.json).toEqual(TRANSFORMED_JSON);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
    // The same connection carries the next request: the length framed the body exactly.
    expect((await proxy('/json')).json).toEqual(TRANSFORMED_JSON);
  });

  it('transforms a JSON body the upstream sent chunked', async () => {
    const answer = await proxy('/chunked');
    expect(answer.status).toBe(200);
    expectTransformedHeaders(answer);
    expect(answer.json).toEqual(TRANSFORMED_JSON);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  });

  it('transforms the headers of a non-JSON response and leaves its body untouched', async () => {
    const answer = await proxy('/text');
    expect(answer.status).toBe(200);
    expectTransformedHeaders(answer);
    expect(answer.text).toBe(UPSTREAM_TEXT);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(UPSTREAM_TEXT)));
  });

  it('leaves a HEAD answer without a body', async () => {
    const answer = await proxy('/json', { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expectTransformedHeaders(answer);
    expect(answer.text).toBe('');
  });

  // Kong runs every plugin's header_filter and body_filter on a `kong.response.exit` answer too.
  it("transforms another plugin's exit (request-termination), Content-Length following the body", async () => {
    const answer = await proxy('/exit');
    expect({
      status: answer.status,
      added: answer.headers['x-added'],
      json: answer.json as unknown,
      contentLength: answer.headers['content-length'],
    }).toEqual({
      status: 403,
      added: 'yes',
      json: { message: 'denied', extra: 1 },
      contentLength: String(Buffer.byteLength(answer.text)),
    });
  });
});

describe('proxy-cache (memory)', () => {
  it('misses, then hits with Age and X-Cache-Key, and the upstream answers once', async () => {
    const miss = await proxy('/cache-basic');
    expect(miss.status).toBe(200);
    expect(miss.headers['x-cache-status']).toBe('Miss');
    expect(miss.headers['x-cache-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(miss.json).toEqual({ path: '/cache-basic', n: 1 });
    const hit = await proxy('/cache-basic');
    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache-status']).toBe('Hit');
    expect(hit.headers['x-cache-key']).toBe(miss.headers['x-cache-key']);
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(0);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['content-length']).toBe(String(Buffer.byteLength(hit.text)));
    expect(hit.json).toEqual({ path: '/cache-basic', n: 1 });
    expect(lab.hitsOf('/cache-basic')).toBe(1);
  });

  it('bypasses a POST and a content type it does not cache', async () => {
    const post = await proxy('/cache-basic', { method: 'POST', body: '' });
    expect(post.headers['x-cache-status']).toBe('Bypass');
    expect(post.json).toEqual({ path: '/cache-basic', n: lab.hitsOf('/cache-basic') });
    for (let i = 1; i <= 2; i++) {
      const html = await proxy('/cache-html');
      expect(html.headers['x-cache-status']).toBe('Bypass');
      expect(html.text).toBe(`<p>${i}</p>`);
    }
    expect(lab.hitsOf('/cache-html')).toBe(2);
  });

  it('expires an entry after cache_ttl', async () => {
    expect((await proxy('/cache-ttl')).headers['x-cache-status']).toBe('Miss');
    expect((await proxy('/cache-ttl')).headers['x-cache-status']).toBe('Hit');
    expect(lab.hitsOf('/cache-ttl')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // The memory store drops the entry at its storage TTL (cache_ttl): a new Miss, not a Refresh.
    const after = await proxy('/cache-ttl');
    expect(after.headers['x-cache-status']).toBe('Miss');
    expect(after.json).toEqual({ path: '/cache-ttl', n: 2 });
    expect((await proxy('/cache-ttl')).headers['x-cache-status']).toBe('Hit');
    expect(lab.hitsOf('/cache-ttl')).toBe(2);
  });

  it('keys on vary_query_params only', async () => {
    const one = await proxy('/cache-vary?page=1');
    const two = await proxy('/cache-vary?page=2');
    expect([one.headers['x-cache-status'], two.headers['x-cache-status']]).toEqual(['Miss', 'Miss']);
    expect(one.headers['x-cache-key']).not.toBe(two.headers['x-cache-key']);
    const oneAgain = await proxy('/cache-vary?other=x&page=1');
    expect(oneAgain.headers['x-cache-status']).toBe('Hit');
    expect(oneAgain.headers['x-cache-key']).toBe(one.headers['x-cache-key']);
    expect(oneAgain.json).toEqual(one.json);
    expect((await proxy('/cache-vary?page=2')).json).toEqual(two.json);
    expect(lab.hitsOf('/cache-vary')).toBe(2);
  });

  it("honours the upstream's Cache-Control with cache_control: true", async () => {
    for (const path of ['/cache-cc-no-store', '/cache-cc-private']) {
      for (let i = 1; i <= 2; i++) {
        const answer = await proxy(path);
        expect({ path, status: answer.headers['x-cache-status'], n: answer.json?.n }).toEqual({
          path,
          status: 'Bypass',
          n: i,
        });
      }
    }
    expect((await proxy('/cache-cc-public')).headers['x-cache-status']).toBe('Miss');
    expect((await proxy('/cache-cc-public')).headers['x-cache-status']).toBe('Hit');
    // The client's own no-store skips the cache.
    const skipped = await proxy('/cache-cc-public', { headers: { 'cache-control': 'no-store' } });
    expect(skipped.headers['x-cache-status']).toBe('Bypass');
    expect(lab.hitsOf('/cache-cc-public')).toBe(2);
  });

  it('stores the body response-transformer produced and replays it', async () => {
    const miss = await proxy('/json-cached');
    expect(miss.headers['x-cache-status']).toBe('Miss');
    expect(miss.json).toEqual(IDEMPOTENT_JSON);
    const hit = await proxy('/json-cached');
    expect(hit.headers['x-cache-status']).toBe('Hit');
    expect(hit.json).toEqual(IDEMPOTENT_JSON);
    expect(hit.headers['x-replace-me']).toBe('new');
    expect(hit.headers['x-renamed']).toBe('moved');
    expect(lab.hitsOf('/json-cached')).toBe(1);
  });
});

describe('bad transform config', () => {
  it('is refused with a Kong-shaped 400 naming the field, and nothing is applied', async () => {
    const before = await cluster.converge();
    const cases: [PluginBody, unknown][] = [
      [requestTransformer({ add: { headers: ['no-colon'] } }), { add: { headers: ['invalid value: no-colon'] } }],
      [
        requestTransformer({ replace: { uri: '/x/$(nope)' } }),
        { replace: { uri: "value '/x/$(nope)' is not in supported format, error:unknown template variable 'nope'" } },
      ],
      [requestTransformer({ http_method: 'HELLO!' }), { http_method: 'invalid value: HELLO!' }],
      [
        responseTransformer({ append: { json: ['a:1'], json_types: ['integer'] } }),
        { append: { json_types: ['expected one of: boolean, number, string'] } },
      ],
      [{ name: 'proxy-cache', config: { strategy: 'redis' } }, { strategy: 'expected one of: memory' }],
      [{ name: 'proxy-cache', config: {} }, { strategy: 'required field missing' }],
      [proxyCache({ cache_ttl: 0 }), { cache_ttl: 'value must be greater than 0' }],
    ];
    for (const [plugin, fields] of cases) {
      const answer = await admin.post('/plugins', plugin);
      expect({ plugin, status: answer.status, body: answer.body }).toEqual({
        plugin,
        status: 400,
        body: expect.objectContaining({ code: 2, name: 'schema violation', fields: { config: fields } }),
      });
    }
    expect(await cluster.converge()).toBe(before);
  });
});
