import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import type { JsonObject } from '@gantry/config';
import { upstreamEntity } from '../testing/entities';
import { harness, UPSTREAM_ID, type Harness } from '../testing/harness';
import type { HealthChangeEvent } from '../types';

const SECOND = 1000;

function checks(active: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    healthchecks: {
      active: {
        healthy: { interval: 1, successes: 1 },
        unhealthy: { interval: 1, http_failures: 1, tcp_failures: 1, timeouts: 1 },
        ...active,
      },
    },
    ...extra,
  };
}

function nextEvent(h: Harness, healthy: boolean): Promise<HealthChangeEvent> {
  return new Promise((resolve) => {
    const stop = h.balancer.onHealthChange((e) => {
      if (e.kind !== 'address' || e.healthy !== healthy) return;
      stop();
      resolve(e);
    });
  });
}

async function listen(server: net.Server, port = 0, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Registers a server so the test's end closes it and every connection it accepted. */
function track<T extends net.Server>(server: T): T {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => sockets.add(socket));
  return server;
}

describe('active http checks', () => {
  it('marks a target unhealthy on a failing status and healthy again when it recovers', async () => {
    let status = 200;
    const seen: http.IncomingHttpHeaders[] = [];
    const paths: string[] = [];
    const server = track(
      http.createServer((req, res) => {
        seen.push(req.headers);
        paths.push(req.url ?? '');
        res.writeHead(status).end();
      }),
    );
    const port = await listen(server);
    const h = harness(checks({ http_path: '/healthz', headers: { 'x-probe': ['gantry'] } }));
    h.targets([[`127.0.0.1:${port}`, 100]]);

    status = 500;
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    expect(await down).toMatchObject({ reason: 'active', peer: { port } });
    expect(h.balancer.health().targets[0].health).toBe('UNHEALTHY');

    status = 200;
    const up = nextEvent(h, true);
    h.clock.advance(SECOND);
    expect(await up).toMatchObject({ reason: 'active' });
    expect(h.balancer.health().targets[0].health).toBe('HEALTHY');
    expect(paths.every((p) => p === '/healthz')).toBe(true);
    expect(seen[0]).toMatchObject({ host: '127.0.0.1', 'x-probe': 'gantry' });
    h.balancer.close();
  });

  it('sends the upstream host_header and counts malformed responses as HTTP failures', async () => {
    const hosts: string[] = [];
    const server = track(
      net.createServer((socket) => {
        socket.once('data', (chunk) => {
          hosts.push(/host: (.*)\r\n/i.exec(chunk.toString())?.[1] ?? '');
          socket.end('NOT HTTP AT ALL\r\n\r\n');
        });
      }),
    );
    const port = await listen(server);
    const h = harness(checks({}, { host_header: 'svc.internal' }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    await down;
    expect(hosts[0]).toBe('svc.internal');
    h.balancer.close();
  });

  it('reports a timeout when the target accepts but never answers', async () => {
    const server = track(net.createServer(() => undefined));
    const port = await listen(server);
    const h = harness(checks({ timeout: 0.1 }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    await down;
    h.balancer.close();
  });

  it('runs at most `concurrency` probes at once', async () => {
    let active = 0;
    let peak = 0;
    let total = 0;
    let allSeen: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allSeen = resolve));
    const server = track(
      http.createServer((_req, res) => {
        active++;
        peak = Math.max(peak, active);
        setTimeout(() => {
          active--;
          res.end();
          if (++total === 6) allSeen();
        }, 20);
      }),
    );
    // Every 127.0.0.x reaches a server bound to all interfaces, so six targets share one server.
    const port = await listen(server, 0, '0.0.0.0');
    const h = harness(checks({ concurrency: 2 }));
    h.targets(Array.from({ length: 6 }, (_, i) => [`127.0.0.${i + 1}:${port}`, 100] as const));
    h.clock.advance(SECOND);
    await done;
    expect(peak).toBeLessThanOrEqual(2);
    expect(total).toBe(6);
    h.balancer.close();
  });
});

describe('active https checks', () => {
  let pems: { cert: string; private: string };
  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: 'api.test' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'api.test' }] }],
    });
  });

  async function tlsServer(status: () => number, names: string[]): Promise<number> {
    const server = track(
      https.createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
        names.push((req.socket as TLSSocket).servername || '');
        res.writeHead(status()).end();
      }),
    );
    return listen(server);
  }

  it('probes over TLS with the configured SNI, recovering a target when verification is off', async () => {
    const names: string[] = [];
    const port = await tlsServer(() => 200, names);
    const h = harness(checks({ type: 'https', https_verify_certificate: false, https_sni: 'api.test' }));
    const [id] = h.targets([[`127.0.0.1:${port}`, 100]]);
    h.balancer.setTargetHealth(id, false);
    const up = nextEvent(h, true);
    h.clock.advance(SECOND);
    await up;
    expect(names).toEqual(['api.test']);
    h.balancer.close();
  });

  it('fails a target whose certificate does not verify', async () => {
    const port = await tlsServer(() => 200, []);
    const h = harness(checks({ type: 'https', https_sni: 'api.test' }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    expect(await down).toMatchObject({ reason: 'active' });
    h.balancer.close();
  });

  it('marks a failing https target unhealthy and brings it back', async () => {
    let status = 503;
    const port = await tlsServer(() => status, []);
    const h = harness(checks({ type: 'https', https_verify_certificate: false }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    await down;
    status = 200;
    const up = nextEvent(h, true);
    h.clock.advance(SECOND);
    await up;
    h.balancer.close();
  });
});

describe('active tcp checks', () => {
  it('fails a closed port and recovers when something listens again', async () => {
    const probe = track(net.createServer());
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    servers.splice(servers.indexOf(probe), 1);

    const h = harness(checks({ type: 'tcp' }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    await down;

    const server = track(net.createServer((socket) => socket.destroy()));
    await listen(server, port);
    const up = nextEvent(h, true);
    h.clock.advance(SECOND);
    await up;
    expect(h.balancer.health().targets[0].health).toBe('HEALTHY');
    h.balancer.close();
  });
});

describe('active check lifecycle', () => {
  it('stops probing on close, on removeTarget and restarts on update', async () => {
    let requests = 0;
    const server = track(
      http.createServer((_req, res) => {
        requests++;
        res.writeHead(500).end();
      }),
    );
    const port = await listen(server);
    const h = harness(checks({}));
    const [id] = h.targets([[`127.0.0.1:${port}`, 100]]);
    const down = nextEvent(h, false);
    h.clock.advance(SECOND);
    await down;
    const seen = requests;

    h.balancer.removeTarget(id);
    h.clock.advance(5 * SECOND);
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toBe(seen);

    h.balancer.update(upstreamEntity(UPSTREAM_ID, 'backend'));
    expect(h.clock.pending).toBe(0);
    h.balancer.update(upstreamEntity(UPSTREAM_ID, 'backend', checks({})));
    expect(h.clock.pending).toBe(2);
    h.balancer.close();
    expect(h.clock.pending).toBe(0);
  });

  it('aborts probes in flight on close', async () => {
    let closed: () => void = () => undefined;
    const socketClosed = new Promise<void>((resolve) => (closed = resolve));
    let connected: () => void = () => undefined;
    const socketOpen = new Promise<void>((resolve) => (connected = resolve));
    const server = track(
      net.createServer((socket) => {
        connected();
        socket.on('close', () => closed());
      }),
    );
    const port = await listen(server);
    const h = harness(checks({ timeout: 60 }));
    h.targets([[`127.0.0.1:${port}`, 100]]);
    h.clock.advance(SECOND);
    await socketOpen;
    h.balancer.close();
    await socketClosed;
    expect(h.balancer.health().targets).toEqual([]);
  });
});
