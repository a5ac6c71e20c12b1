import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { ForwardingError } from './errors';
import type { ForwarderOptions } from './forwarder-options';
import { ServiceForwarder } from './service-forwarder';
import {
  ListPeers,
  type Listening,
  json,
  peer,
  send,
  serviceEntity,
  startGateway,
  startUpstream,
  until,
} from './testing/fixtures';
import { TrustedProxies } from './trusted-proxies';

const OPTIONS = { serverToken: 'gantry/test' };
const NO_TLS = { caCertificates: [] };

/** Answers with what it received: method, url, headers, body length and digest. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  req.on('end', () => {
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      length,
      sha256: hash.digest('hex'),
    });
    res.writeHead(200, { 'content-type': 'application/json', server: 'echo/1', via: '1.1 upstream-lb' });
    res.end(body);
  });
}

describe('ServiceForwarder', () => {
  let upstream: Listening;
  let gateway: Listening | undefined;
  let forwarder: ServiceForwarder | undefined;

  beforeAll(async () => {
    upstream = await startUpstream(echo);
  });
  afterAll(() => upstream.close());
  afterEach(async () => {
    await gateway?.close();
    forwarder?.close();
    gateway = undefined;
    forwarder = undefined;
  });

  async function through(
    peers: ListPeers,
    extra: Record<string, unknown> = {},
    options: ForwarderOptions = OPTIONS,
  ): Promise<number> {
    forwarder = new ServiceForwarder(serviceEntity(), NO_TLS, options);
    gateway = await startGateway(forwarder, () => ({ peers, ...extra }));
    return gateway.port;
  }

  describe('request headers', () => {
    it('adds Kong forwarding headers and the request id, and derives Host from the peer', async () => {
      const peers = new ListPeers([peer(upstream.port, 'backend.test')]);
      const port = await through(peers, { forwardedPrefix: '/api', requestId: 'rid-42' });
      const reply = await send(port, { path: '/orders?id=7', headers: { 'x-forwarded-for': '10.0.0.9' } });
      const seen = json(reply) as { url: string; headers: Record<string, string> };

      expect(reply.status).toBe(200);
      expect(seen.url).toBe('/orders?id=7');
      expect(seen.headers).toMatchObject({
        host: `backend.test:${upstream.port}`,
        'x-forwarded-for': '10.0.0.9, 127.0.0.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'gateway.test',
        'x-forwarded-port': '8000',
        'x-forwarded-path': '/orders',
        'x-forwarded-prefix': '/api',
        'x-real-ip': '127.0.0.1',
        via: '1.1 gantry/test',
        'x-kong-request-id': 'rid-42',
      });
    });

    it('overwrites the X-Forwarded-* an untrusted client sent, and keeps those of a trusted one', async () => {
      const spoofed = {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.test',
        'x-forwarded-port': '443',
        'x-forwarded-path': '/elsewhere',
        'x-forwarded-prefix': '/p',
        'x-real-ip': '203.0.113.5',
      };
      const untrusted = await through(new ListPeers([peer(upstream.port)]));
      const overwritten = (json(await send(untrusted, { headers: spoofed })) as { headers: Record<string, string> })
        .headers;
      expect(overwritten).toMatchObject({
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'gateway.test',
        'x-real-ip': '127.0.0.1',
      });
      expect(overwritten['x-forwarded-prefix']).toBeUndefined();
      await gateway!.close();
      forwarder!.close();

      const trusted = await through(
        new ListPeers([peer(upstream.port)]),
        {},
        {
          ...OPTIONS,
          trustedProxies: TrustedProxies.parse('10.0.0.0/8, 127.0.0.1'),
        },
      );
      const kept = (json(await send(trusted, { headers: spoofed })) as { headers: Record<string, string> }).headers;
      expect(kept).toMatchObject(spoofed);
    });

    it('removes hop-by-hop headers, including those named in Connection, and keeps TE: trailers only', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]));
      const reply = await send(port, {
        headers: {
          connection: 'keep-alive, X-Hop',
          'x-hop': 'secret',
          'keep-alive': 'timeout=5',
          'proxy-connection': 'keep-alive',
          proxy: 'http://attacker.test',
          te: 'trailers, deflate',
          upgrade: 'h2c',
          'x-end-to-end': 'kept',
        },
      });
      const headers = (json(reply) as { headers: Record<string, string> }).headers;
      for (const name of ['x-hop', 'keep-alive', 'proxy-connection', 'proxy', 'upgrade', 'expect']) {
        expect(headers[name]).toBeUndefined();
      }
      expect(headers.te).toBe('trailers');
      expect(headers['x-end-to-end']).toBe('kept');
      // The agent's own keep-alive, not the client's connection options.
      expect(headers.connection).toBe('keep-alive');
    });

    it('appends to an incoming Via and sends the Host the gateway chose', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]), { hostHeader: 'client.test' });
      const headers = (json(await send(port, { headers: { via: '1.0 edge' } })) as { headers: Record<string, string> })
        .headers;
      expect(headers.via).toBe('1.0 edge, 1.1 gantry/test');
      expect(headers.host).toBe('client.test');
    });

    it("uses the upstream's host_header for Host when the route does not preserve the host", async () => {
      const peers = new ListPeers([peer(upstream.port, 'ignored.test')]);
      peers.hostHeader = 'vhost.test';
      const port = await through(peers);
      const headers = (json(await send(port)) as { headers: Record<string, string> }).headers;
      expect(headers.host).toBe(`vhost.test:${upstream.port}`);
    });

    it('sends the upstream path exactly as given, double slashes included', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]), { upstreamPath: '/a//b/http://x?q=//1' });
      const seen = json(await send(port, { method: 'POST', body: randomBytes(200_000) })) as { url: string };
      expect(seen.url).toBe('/a//b/http://x?q=//1');
    });
  });

  describe('response headers', () => {
    it("adds Via, latency and request id headers and keeps the upstream's Server", async () => {
      const port = await through(new ListPeers([peer(upstream.port)]), { requestId: 'rid-7' });
      const reply = await send(port);
      expect(reply.headers).toMatchObject({
        via: '1.1 upstream-lb, 1.1 gantry/test',
        server: 'echo/1',
        'x-kong-request-id': 'rid-7',
      });
      expect(reply.headers['x-kong-upstream-latency']).toMatch(/^\d+$/);
      expect(reply.headers['x-kong-proxy-latency']).toMatch(/^\d+$/);
    });

    it('removes hop-by-hop response headers, relays duplicates, and keeps headers the gateway set', async () => {
      const odd = await startUpstream((_req, res) => {
        res.writeHead(201, 'Made', [
          'Connection',
          'X-Internal, X-Other',
          'X-Internal',
          'secret',
          'X-Other',
          'secret too',
          'Keep-Alive',
          'timeout=3',
          'Trailer',
          'X-Checksum',
          'Set-Cookie',
          'a=1',
          'Set-Cookie',
          'b=2',
        ]);
        res.end('ok');
      });
      try {
        const peers = new ListPeers([peer(odd.port)]);
        forwarder = new ServiceForwarder(serviceEntity(), NO_TLS, OPTIONS);
        const fwd = forwarder;
        gateway = await startGateway(fwd, () => ({ peers }));
        gateway.server.removeAllListeners('request');
        gateway.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          res.setHeader('x-gateway-plugin', 'cors');
          res.setHeader('x-internal', 'the gateway wins');
          res.appendHeader('set-cookie', 'balancer=peer-1');
          fwd.forward(req, res, {
            requestId: 'r',
            receivedAt: process.hrtime.bigint(),
            upstreamPath: '/',
            hostHeader: null,
            clientAddress: '127.0.0.1',
            scheme: 'http',
            forwardedHost: 'g',
            forwardedPort: 80,
            forwardedPath: '/',
            forwardedPrefix: null,
            peers,
          });
        });
        const reply = await send(gateway.port);
        expect(reply.status).toBe(201);
        expect(reply.body.toString()).toBe('ok');
        expect(reply.headers['x-internal']).toBe('the gateway wins');
        expect(reply.headers['x-other']).toBeUndefined();
        expect(reply.headers['keep-alive']).toBeUndefined();
        expect(reply.headers.trailer).toBeUndefined();
        expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2', 'balancer=peer-1']);
        expect(reply.headers['x-gateway-plugin']).toBe('cors');
        expect(reply.headers.server).toBe('gantry/test');
      } finally {
        await odd.close();
      }
    });
  });

  describe('bodies', () => {
    it('streams a large chunked request body without changing a byte', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]));
      const payload = randomBytes(8 * 1024 * 1024);
      const reply = await send(port, { method: 'PUT', body: Readable.from(chunks(payload, 64 * 1024)) });
      const seen = json(reply) as { length: number; sha256: string; headers: Record<string, string> };
      expect(seen.length).toBe(payload.length);
      expect(seen.sha256).toBe(createHash('sha256').update(payload).digest('hex'));
      expect(seen.headers['transfer-encoding']).toBe('chunked');
    });

    it('keeps the chunked framing of a DELETE body (no Content-Length: 0 rewrite)', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]));
      const payload = Buffer.from('delete these ids: 1, 2, 3');
      const reply = await send(port, {
        method: 'DELETE',
        headers: { 'transfer-encoding': 'chunked' },
        body: Readable.from([payload]),
      });
      expect((json(reply) as { length: number }).length).toBe(payload.length);
    });

    it('answers 100 Continue itself and forwards the body without Expect', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]));
      const reply = await send(port, { method: 'POST', headers: { expect: '100-continue' }, body: 'payload' });
      const seen = json(reply) as { length: number; headers: Record<string, string> };
      expect(seen.length).toBe(7);
      expect(seen.headers.expect).toBeUndefined();
    });

    it('relays HEAD answers with their Content-Length and no body', async () => {
      const head = await startUpstream((_req, res) => {
        res.writeHead(200, { 'content-length': '1234' });
        res.end();
      });
      try {
        const reply = await send(await through(new ListPeers([peer(head.port)])), { method: 'HEAD' });
        expect(reply.status).toBe(200);
        expect(reply.headers['content-length']).toBe('1234');
        expect(reply.body.length).toBe(0);
      } finally {
        await head.close();
      }
    });

    it('streams a large response body', async () => {
      const payload = randomBytes(4 * 1024 * 1024);
      const big = await startUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (const chunk of chunks(payload, 100_000)) res.write(chunk);
        res.end();
      });
      try {
        const port = await through(new ListPeers([peer(big.port)]));
        const reply = await send(port);
        expect(reply.body.equals(payload)).toBe(true);
      } finally {
        await big.close();
      }
    });
  });

  describe('Kong errors', () => {
    it('answers 503 when no peer is healthy, with the request id', async () => {
      const peers = new ListPeers([], { ok: false, reason: 'no-healthy' });
      const port = await through(peers, { requestId: 'rid-503' });
      const reply = await send(port);
      expect(reply.status).toBe(503);
      expect(json(reply)).toEqual({ message: 'failure to get a peer from the ring-balancer', request_id: 'rid-503' });
      expect(reply.headers['x-kong-request-id']).toBe('rid-503');
      expect(peers.events).toEqual([]);
    });

    it('answers 503 "name resolution failed" when the peer source cannot resolve', async () => {
      const port = await through(new ListPeers([], { ok: false, reason: 'dns-error' }));
      const reply = await send(port);
      expect(reply.status).toBe(503);
      expect(json(reply).message).toBe('name resolution failed');
    });
  });

  describe('lifecycle', () => {
    it('reports every attempt to the peer source and reuses upstream connections', async () => {
      const peers = new ListPeers([peer(upstream.port)]);
      const port = await through(peers);
      for (let i = 0; i < 3; i++) expect((await send(port)).status).toBe(200);
      await peers.settled(3);
      expect(peers.outcomes()).toEqual([
        { kind: 'response', status: 200, latencyMs: expect.any(Number) },
        { kind: 'response', status: 200, latencyMs: expect.any(Number) },
        { kind: 'response', status: 200, latencyMs: expect.any(Number) },
      ]);
      expect(forwarder!.connections()).toEqual({ active: 0, idle: 1 });
    });

    it('finishes requests in flight after close, still forwards late ones, and drains its pool', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow = await startUpstream((_req, res) => void held.then(() => res.end('late')));
      try {
        const peers = new ListPeers([peer(slow.port)]);
        const port = await through(peers);
        const inFlight = send(port);
        await until(() => forwarder!.connections().active === 1);
        forwarder!.close();
        release();
        expect((await send(port)).status).toBe(200);
        const reply = await inFlight;
        expect(reply.status).toBe(200);
        expect(reply.body.toString()).toBe('late');
        await until(() => forwarder!.connections().active === 0);
        expect(forwarder!.connections()).toEqual({ active: 0, idle: 0 });
      } finally {
        await slow.close();
      }
    });

    it('answers 500 once destroyed', async () => {
      const port = await through(new ListPeers([peer(upstream.port)]));
      forwarder!.destroy();
      const reply = await send(port);
      expect(reply.status).toBe(500);
      expect(json(reply).message).toBe('An unexpected error occurred');
    });

    it('rejects protocols it cannot forward, with a code', () => {
      expect(() => new ServiceForwarder(serviceEntity({ protocol: 'grpc' }), NO_TLS, OPTIONS)).toThrow(
        expect.objectContaining({ code: 'GANTRY_FORWARD_UNSUPPORTED_PROTOCOL' }) as ForwardingError,
      );
      expect(() => new ServiceForwarder(serviceEntity({ read_timeout: 0 }), NO_TLS, OPTIONS)).toThrow(
        expect.objectContaining({ code: 'GANTRY_FORWARD_INVALID_SERVICE' }) as ForwardingError,
      );
      expect(() => new ServiceForwarder(serviceEntity(), NO_TLS, { serverToken: 'bad token' })).toThrow(
        expect.objectContaining({ code: 'GANTRY_FORWARD_INVALID_OPTIONS' }) as ForwardingError,
      );
    });
  });
});

function* chunks(payload: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < payload.length; offset += size) yield payload.subarray(offset, offset + size);
}
