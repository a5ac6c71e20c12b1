import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { JsonObject } from '@gantry/config';
import type { PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { LUA_UNSUPPORTED } from '../shared/lua-code';
import { checkPluginConfig, createHandler, testRequest } from '../testing/plugin-harness';
import { httpLog } from './handler';

const definition = httpLog;

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A log server on port 0: records what it receives, can refuse or hold requests. */
class LogServer {
  readonly received: Received[] = [];
  /** Answer this many next requests with 500. */
  failNext = 0;
  /** Keep requests unanswered until `release()`. */
  holding = false;
  private held: ServerResponse[] = [];
  private waiters: (() => void)[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(text),
        });
        for (const w of this.waiters.splice(0)) w();
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('nope');
        } else if (this.holding) {
          this.held.push(res);
        } else {
          res.writeHead(200).end();
        }
      });
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  release(): void {
    this.holding = false;
    for (const res of this.held.splice(0)) res.writeHead(200).end();
  }

  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

function finished(path = '/'): PluginRequest {
  const kong = testRequest({ url: path, headers: { authorization: 'Bearer secret' }, configVersion: 42 });
  kong.response = {
    status: 200,
    headers: { 'content-type': 'text/plain' },
    size: 120,
    requestSize: 80,
    upstreamLatencyMs: 3,
    proxyLatencyMs: 1,
    requestLatencyMs: 5,
    source: 'upstream',
  };
  return kong;
}

describe('http-log config', () => {
  it('fills Kong defaults, queue included', () => {
    const check = checkPluginConfig(definition, { http_endpoint: 'http://logs.test/in' });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config).toEqual({
      http_endpoint: 'http://logs.test/in',
      method: 'POST',
      content_type: 'application/json',
      timeout: 10000,
      keepalive: 60000,
      retry_count: null,
      queue_size: null,
      flush_timeout: null,
      headers: null,
      queue: {
        max_batch_size: 1,
        max_coalescing_delay: 1,
        max_entries: 10000,
        max_bytes: null,
        max_retry_time: 60,
        initial_retry_delay: 0.01,
        max_retry_delay: 60,
        concurrency_limit: 1,
      },
      custom_fields_by_lua: null,
    });
    expect(check.entity.protocols).toEqual(['grpc', 'grpcs', 'http', 'https']);
  });

  it('rejects configs as Kong does, naming the field', () => {
    const errors = (config: JsonObject): unknown => {
      const check = checkPluginConfig(definition, config);
      return check.ok ? undefined : check.errors;
    };
    expect(errors({})).toEqual({ config: { http_endpoint: 'required field missing' } });
    expect(errors({ http_endpoint: 'logs.test/in' })).toEqual({ config: { http_endpoint: 'missing host in url' } });
    expect(errors({ http_endpoint: '//logs.test/in' })).toEqual({ config: { http_endpoint: 'missing scheme in url' } });
    expect(errors({ http_endpoint: 'http://l.test', method: 'GET' })).toEqual({
      config: { method: 'expected one of: POST, PUT, PATCH' },
    });
    expect(errors({ http_endpoint: 'http://l.test', headers: { HoSt: 'x' } })).toEqual({
      config: { headers: "cannot contain 'Host' header" },
    });
    expect(errors({ http_endpoint: 'http://l.test', headers: { 'coNTEnt-Length': '1' } })).toEqual({
      config: { headers: "cannot contain 'Content-Length' header" },
    });
    expect(errors({ http_endpoint: 'http://l.test', headers: { 'Content-Type': 'x' } })).toEqual({
      config: { headers: "cannot contain 'Content-Type' header" },
    });
    expect(errors({ http_endpoint: 'http://hi:there@l.test/path', headers: { AuthoRIZATion: 'x' } })).toEqual({
      config: "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed",
    });
    expect(errors({ http_endpoint: 'http://l.test', custom_fields_by_lua: { route: 'return 1' } })).toEqual({
      config: { custom_fields_by_lua: LUA_UNSUPPORTED },
    });
    expect(errors({ http_endpoint: 'http://l.test', queue: { concurrency_limit: 2 } })).toEqual({
      config: { queue: { concurrency_limit: 'expected one of: -1, 1' } },
    });
    expect(errors({ http_endpoint: 'http://l.test', queue: { max_batch_size: 0 } })).toEqual({
      config: { queue: { max_batch_size: 'value should be between 1 and 1000000' } },
    });
  });
});

describe('http-log', () => {
  let server: LogServer;
  let address: string;
  let handler: PluginHandler | undefined;

  beforeEach(async () => {
    server = new LogServer();
    address = await server.start();
  });

  afterEach(async () => {
    await handler?.close?.();
    handler = undefined;
    await server.stop();
  });

  it('sends one JSON object per request with basic auth from the userinfo and the configured headers', async () => {
    handler = createHandler(definition, {
      http_endpoint: `http://bob:s3cret@${address}/logs?x=1`,
      method: 'PUT',
      content_type: 'application/json; charset=utf-8',
      headers: { 'X-Tenant': 'acme' },
    });
    handler.log!(finished('/orders?id=7'));
    await server.waitFor(1);
    const [got] = server.received;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/logs?x=1');
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('bob:s3cret').toString('base64')}`);
    expect(got.headers['x-tenant']).toBe('acme');
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.body).toMatchObject({
      request: { method: 'GET', uri: '/orders?id=7', headers: { authorization: 'REDACTED' } },
      response: { status: 200, size: 120 },
      latencies: { kong: 1, proxy: 3, request: 5 },
      client_ip: '127.0.0.1',
      gantry: { config_version: 42 },
    });
  });

  it('sends batches as JSON arrays once a batch is full', async () => {
    handler = createHandler(definition, {
      http_endpoint: `http://${address}/`,
      queue: { max_batch_size: 3, max_coalescing_delay: 3600 },
    });
    for (const path of ['/a', '/b', '/c']) handler.log!(finished(path));
    await server.waitFor(1);
    const batch = server.received[0].body as { request: { uri: string } }[];
    expect(batch.map((entry) => entry.request.uri)).toEqual(['/a', '/b', '/c']);
  });

  it('sends what is queued when closed', async () => {
    handler = createHandler(definition, {
      http_endpoint: `http://${address}/`,
      queue: { max_batch_size: 10, max_coalescing_delay: 3600 },
    });
    handler.log!(finished('/a'));
    handler.log!(finished('/b'));
    await handler.close!();
    handler = undefined;
    expect(server.received).toHaveLength(1);
    expect((server.received[0].body as unknown[]).length).toBe(2);
  });

  it('retries a batch the server refused, with backoff, until it is taken', async () => {
    server.failNext = 2;
    handler = createHandler(definition, {
      http_endpoint: `http://${address}/`,
      queue: { initial_retry_delay: 0.001, max_retry_delay: 0.01 },
    });
    handler.log!(finished('/retry'));
    await server.waitFor(3);
    expect(server.received.map((r) => (r.body as { request: { uri: string } }).request.uri)).toEqual([
      '/retry',
      '/retry',
      '/retry',
    ]);
  });

  it('gives a failing batch up after max_retry_time and goes on with the next', async () => {
    server.failNext = 1;
    handler = createHandler(definition, { http_endpoint: `http://${address}/`, queue: { max_retry_time: -1 } });
    handler.log!(finished('/lost'));
    await server.waitFor(1);
    handler.log!(finished('/next'));
    await server.waitFor(2);
    expect(server.received.map((r) => (r.body as { request: { uri: string } }).request.uri)).toEqual([
      '/lost',
      '/next',
    ]);
  });

  it('drops the oldest waiting entry when max_entries are waiting, never blocking the request', async () => {
    server.holding = true;
    handler = createHandler(definition, { http_endpoint: `http://${address}/`, queue: { max_entries: 2 } });
    handler.log!(finished('/1'));
    await server.waitFor(1);
    // /1 is in flight; /2 and /3 wait; /4 pushes /2 out.
    for (const path of ['/2', '/3', '/4']) handler.log!(finished(path));
    server.release();
    await server.waitFor(3);
    expect(server.received.map((r) => (r.body as { request: { uri: string } }).request.uri)).toEqual([
      '/1',
      '/3',
      '/4',
    ]);
  });

  it('sends every entry at once with concurrency_limit -1', async () => {
    server.holding = true;
    handler = createHandler(definition, {
      http_endpoint: `http://${address}/`,
      queue: { concurrency_limit: -1, max_batch_size: 5 },
    });
    handler.log!(finished('/x'));
    handler.log!(finished('/y'));
    // Both reach the server while neither has been answered.
    await server.waitFor(2);
    server.release();
    expect(server.received.map((r) => r.body)).toEqual([
      [expect.objectContaining({ upstream_uri: '/x' })],
      [expect.objectContaining({ upstream_uri: '/y' })],
    ]);
  });

  it('refuses an entry larger than max_bytes', async () => {
    handler = createHandler(definition, { http_endpoint: `http://${address}/`, queue: { max_bytes: 64 } });
    handler.log!(finished('/too-big'));
    await handler.close!();
    handler = undefined;
    expect(server.received).toHaveLength(0);
  });

  it('logs nothing (and never throws) when the endpoint cannot be used', () => {
    handler = createHandler(definition, { http_endpoint: 'ftp://logs.test/' });
    expect(handler.log).toBeUndefined();
  });
});
