/**
 * One admin and two proxy replicas, each its own process, on real Kafka and Cassandra: Kong's routing rules on
 * both replicas, TLS with SNI, WebSockets, malformed HTTP, config changes under load, and a replica killed and
 * restarted.
 */
import { connect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { generate } from 'selfsigned';
import { WebSocket, WebSocketServer } from 'ws';
import { eventually } from '../../libs/store/src/testing/stored-state';
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster, type RunningProxy } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { UpstreamServer, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let upstream: UpstreamServer;

/** Creates a service pointing at the echo upstream with `path` `/<name>`, and a route on it. */
async function serviceAndRoute(name: string, route: Record<string, unknown>, servicePath = `/${name}`): Promise<void> {
  const service = await admin.post('/services', { name, url: `http://${upstream.target}${servicePath}` });
  expect(service.status).toBe(201);
  const created = await admin.post(`/services/${name}/routes`, { name, ...route });
  expect([created.status, created.text]).toEqual([201, expect.any(String)]);
}

/** Sends the request to every replica and returns the upstream's echo from each (they must agree). */
async function viaEveryReplica(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; echo: Echo | undefined; headers: Record<string, unknown> }> {
  const answers = await Promise.all(cluster.proxies.map((proxy) => http(proxy.url, path, { method, headers })));
  const first = answers[0];
  for (const other of answers.slice(1)) {
    expect({ status: other.status, url: other.json?.url }).toEqual({ status: first.status, url: first.json?.url });
  }
  return {
    status: first.status,
    echo: first.status === 200 ? (first.json as Echo) : undefined,
    headers: first.headers,
  };
}

beforeAll(async () => {
  upstream = await new UpstreamServer('echo').start();
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
});

afterAll(async () => {
  await cluster.stop();
  await upstream?.close();
});

describe('Kong routing on every replica', () => {
  beforeAll(async () => {
    await serviceAndRoute('host-exact', { hosts: ['api.example.com'] });
    await serviceAndRoute('host-leading-wildcard', { hosts: ['*.example.com'] });
    await serviceAndRoute('host-trailing-wildcard', { hosts: ['api.example.*'] });
    await serviceAndRoute('method-post', { paths: ['/m'], methods: ['POST'] });
    await serviceAndRoute('method-any', { paths: ['/m'] });
    await serviceAndRoute('header-v1', { paths: ['/h'], headers: { 'x-version': ['v1'] } });
    await serviceAndRoute('header-none', { paths: ['/h'] });
    await serviceAndRoute('items-prefix', { paths: ['/items'] });
    await serviceAndRoute('items-regex-low', { paths: ['~/items/\\d+$'], regex_priority: 0 });
    await serviceAndRoute('items-regex-high', { paths: ['~/items/(?<id>\\d+)'], regex_priority: 10 });
    await serviceAndRoute('longest-short', { paths: ['/lp'] });
    await serviceAndRoute('longest-long', { paths: ['/lp/deeper'] });
    await serviceAndRoute('keep-path', { paths: ['/keep'], strip_path: false });
    await serviceAndRoute('preserve', { hosts: ['preserve.example.com'], preserve_host: true });
    await serviceAndRoute('no-preserve', { hosts: ['plain.example.com'] });
    await serviceAndRoute('captures', { paths: ['~/cap/(?<n>\\d+)/'] });
    await serviceAndRoute('v0', { paths: ['/tv0'], path_handling: 'v0' }, '/s');
    await serviceAndRoute('v1', { paths: ['/tv1'], path_handling: 'v1' }, '/s');
    await serviceAndRoute('https-only', { paths: ['/secure'], protocols: ['https'] });
    await serviceAndRoute('https-301', { paths: ['/moved'], protocols: ['https'], https_redirect_status_code: 301 });
    await serviceAndRoute('disabled', { paths: ['/disabled'] });
    expect((await admin.patch('/services/disabled', { enabled: false })).status).toBe(200);
    await cluster.converge();
  });

  it.each([
    ['an exact host', 'api.example.com', 'host-exact'],
    ['a leading wildcard host', 'www.example.com', 'host-leading-wildcard'],
    ['a trailing wildcard host', 'api.example.org', 'host-trailing-wildcard'],
    ['an exact host with a port', 'api.example.com:8000', 'host-exact'],
  ])('matches %s', async (_case, host, service) => {
    const { echo } = await viaEveryReplica('/x', { host });
    expect(echo?.url).toBe(`/${service}/x`);
  });

  it('prefers the route with more attributes (methods, headers)', async () => {
    expect((await viaEveryReplica('/m', {}, 'POST')).echo?.url).toBe('/method-post');
    expect((await viaEveryReplica('/m')).echo?.url).toBe('/method-any');
    expect((await viaEveryReplica('/h', { 'x-version': 'V1' })).echo?.url).toBe('/header-v1');
    expect((await viaEveryReplica('/h', { 'x-version': 'v2' })).echo?.url).toBe('/header-none');
    // A repeated header matches when any one of its values does, as in Kong.
    const repeated = await http(cluster.proxies[0].url, '/h', { headers: { 'x-version': ['v2', 'v1'] } });
    expect(repeated.json?.url).toBe('/header-v1');
  });

  it('tries regex paths by regex_priority before prefixes, then the longest prefix', async () => {
    expect((await viaEveryReplica('/items/42')).echo?.url).toBe('/items-regex-high');
    expect((await viaEveryReplica('/items/abc')).echo?.url).toBe('/items-prefix/abc');
    expect((await viaEveryReplica('/lp/deeper/x')).echo?.url).toBe('/longest-long/x');
    expect((await viaEveryReplica('/lp/other')).echo?.url).toBe('/longest-short/other');
  });

  it('applies strip_path, regex stripping and path_handling v0/v1', async () => {
    expect((await viaEveryReplica('/keep/a?q=1')).echo?.url).toBe('/keep-path/keep/a?q=1');
    expect((await viaEveryReplica('/cap/7/rest')).echo?.url).toBe('/captures/rest');
    expect((await viaEveryReplica('/tv0req')).echo?.url).toBe('/s/req');
    expect((await viaEveryReplica('/tv1req')).echo?.url).toBe('/sreq');
  });

  it('sends the client Host only with preserve_host', async () => {
    expect((await viaEveryReplica('/', { host: 'preserve.example.com' })).echo?.headers.host).toBe(
      'preserve.example.com',
    );
    expect((await viaEveryReplica('/', { host: 'plain.example.com' })).echo?.headers.host).toBe(upstream.target);
  });

  it('answers https-only routes over http with 426 or the configured redirect', async () => {
    const refused = await viaEveryReplica('/secure');
    expect(refused.status).toBe(426);
    const moved = await http(cluster.proxies[0].url, '/moved/x?y=1', { headers: { host: 'gw.test' } });
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('https://gw.test/moved/x?y=1');
    const secure = await http(`https://127.0.0.1:${cluster.proxies[0].tlsPort}`, '/secure/x');
    expect([secure.status, secure.json?.url]).toEqual([200, '/https-only/x']);
  });

  it('answers Kong’s 404 with a request id when nothing matches, and for a disabled service', async () => {
    for (const path of ['/nothing-here', '/disabled']) {
      const answer = await http(cluster.proxies[1].url, path);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: 'no Route matched with those values', request_id: expect.any(String) });
      expect(answer.headers['x-kong-request-id']).toBe(answer.json.request_id);
    }
  });

  it('adds Kong’s proxy headers both ways', async () => {
    const answer = await http(cluster.proxies[0].url, '/keep/h', {
      headers: { connection: 'keep-alive, x-drop', 'x-drop': '1' },
    });
    const echo = answer.json as Echo;
    expect(echo.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-path': '/keep/h',
      via: expect.stringMatching(/^1\.1 gantry\//),
      'x-kong-request-id': answer.headers['x-kong-request-id'],
    });
    expect(echo.headers['x-drop']).toBeUndefined();
    expect(answer.headers['x-kong-upstream-latency']).toMatch(/^\d+$/);
    expect(answer.headers['x-kong-proxy-latency']).toMatch(/^\d+$/);
    expect(answer.headers.via).toMatch(/gantry/);
  });
});

describe('TLS termination with SNI', () => {
  const certificate = (peer: PeerCertificate): string => String(peer.subject.CN);

  function handshake(port: number, servername: string): Promise<PeerCertificate> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  it('serves the certificate an SNI names, the default otherwise, and a rotated one without restart', async () => {
    const first = await generate([{ name: 'commonName', value: 'sni.test' }], { keySize: 2048 });
    const created = await admin.post('/certificates', {
      cert: first.cert,
      key: first.private,
      snis: ['sni.test', '*.wild.test'],
    });
    expect(created.status).toBe(201);
    await serviceAndRoute('sni-route', { protocols: ['https'], snis: ['sni.test'] });
    await cluster.converge();
    for (const proxy of cluster.proxies) {
      expect(certificate(await handshake(proxy.tlsPort, 'sni.test'))).toBe('sni.test');
      expect(certificate(await handshake(proxy.tlsPort, 'a.wild.test'))).toBe('sni.test');
      expect(certificate(await handshake(proxy.tlsPort, 'other.test'))).toBe('localhost');
      const routed = await http(`https://127.0.0.1:${proxy.tlsPort}`, '/x', {
        headers: { host: 'sni.test' },
        tls: { servername: 'sni.test' },
      });
      expect([routed.status, routed.json?.url]).toEqual([200, '/sni-route/x']);
    }

    const rotated = await generate([{ name: 'commonName', value: 'rotated.sni.test' }], { keySize: 2048 });
    const id = (created.body as { id: string }).id;
    expect((await admin.patch(`/certificates/${id}`, { cert: rotated.cert, key: rotated.private })).status).toBe(200);
    await cluster.converge();
    for (const proxy of cluster.proxies) {
      expect(certificate(await handshake(proxy.tlsPort, 'sni.test'))).toBe('rotated.sni.test');
    }
  });
});

describe('WebSockets', () => {
  it('proxies an upgrade and echoes messages both ways', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (socket, request) =>
      socket.on('message', (data) => socket.send(`${request.url}:${(data as Buffer).toString()}`)),
    );
    await new Promise((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as { port: number }).port;
    await admin.post('/services', { name: 'ws', url: `http://127.0.0.1:${port}/upstream` });
    await admin.post('/services/ws/routes', { paths: ['/ws'] });
    await cluster.converge();
    for (const proxy of cluster.proxies) {
      const client = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws/chat`);
      await new Promise((resolve, reject) => {
        client.once('open', resolve);
        client.once('error', reject);
      });
      const reply = new Promise<string>((resolve) =>
        client.once('message', (data) => resolve((data as Buffer).toString())),
      );
      client.send('hello');
      expect(await reply).toBe('/upstream/chat:hello');
      client.close();
    }
    await new Promise((resolve) => wss.close(resolve));
  });
});

describe('malformed HTTP', () => {
  function raw(proxy: RunningProxy, request: string): Promise<string> {
    const port = Number(new URL(proxy.url).port);
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('rejects bad request lines and conflicting framing with 400 and keeps serving', async () => {
    for (const proxy of cluster.proxies) {
      expect(await raw(proxy, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
      expect(
        await raw(
          proxy,
          'POST /keep HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        ),
      ).toMatch(/^HTTP\/1\.1 400/);
      expect((await http(proxy.url, '/keep/ok')).status).toBe(200);
    }
  });
});

describe('config changes under load', () => {
  it('applies 1,000 route changes on both replicas with no failed request, and they converge', async () => {
    let sent = 0;
    const failures: string[] = [];
    let loading = true;
    const load = async (proxy: RunningProxy): Promise<void> => {
      while (loading) {
        const answer = await http(proxy.url, '/keep/load').catch((error: Error) => ({
          status: 0,
          text: error.message,
        }));
        sent++;
        if (answer.status !== 200) failures.push(`${proxy.id}: ${answer.status} ${answer.text}`);
      }
    };
    const loaders = cluster.proxies.flatMap((proxy) => [load(proxy), load(proxy), load(proxy)]);
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const created = await admin.post('/services/keep-path/routes', { paths: [`/burst/${i}`] });
      expect(created.status).toBe(201);
      ids.push((created.body as { id: string }).id);
    }
    for (const id of ids) expect((await admin.delete(`/routes/${id}`)).status).toBe(204);
    const version = await cluster.converge();
    loading = false;
    await Promise.all(loaders);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(100);

    const adminStatus = await admin.get<{ gantry: { config_hash: string } }>('/status');
    for (const proxy of cluster.proxies) {
      const status = (await http(proxy.statusUrl, '/status')).json as { config_version: number; config_hash: string };
      expect(status.config_version).toBeGreaterThanOrEqual(version);
      expect(status.config_hash).toBe(adminStatus.body.gantry.config_hash);
    }
  });

  it('lists both replicas with their version and hash on the Admin API', async () => {
    const adminStatus = await admin.get<{ gantry: { config_hash: string } }>('/status');
    await eventually(
      async () => {
        const planes = await admin.get<{ data: { id: string; config_hash: string; status: string }[] }>(
          '/clustering/data-planes',
        );
        const mine = planes.body.data.filter((plane) => cluster.proxies.some((proxy) => proxy.id === plane.id));
        return (
          mine.length === 2 &&
          mine.every((plane) => plane.config_hash === adminStatus.body.gantry.config_hash && plane.status === 'ready')
        );
      },
      20_000,
      'both replicas to report the admin’s hash',
    );
  });

  it('exposes Prometheus metrics on the status port', async () => {
    const metrics = await http(cluster.proxies[0].statusUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^gantry_config_version \d+$/m);
    expect(metrics.text).toMatch(/gantry_http_requests_total\{service="keep-path",route="keep-path",code="200"\} \d+/);
  });
});

describe('a replica killed and restarted', () => {
  it('boots from the newest snapshot and catches up with what it missed', async () => {
    const victim = cluster.proxies.shift()!;
    await victim.process.kill();
    await serviceAndRoute('while-down', { paths: ['/while-down'] });
    const restarted = await cluster.startProxy(victim.id);
    const version = await cluster.converge();
    const status = (await http(restarted.statusUrl, '/status')).json as {
      booted_from_snapshot: number;
      config_version: number;
    };
    expect(status.booted_from_snapshot).toBeGreaterThan(0);
    expect(status.config_version).toBeGreaterThanOrEqual(version);
    expect((await http(restarted.url, '/while-down')).json?.url).toBe('/while-down');
  });
});
