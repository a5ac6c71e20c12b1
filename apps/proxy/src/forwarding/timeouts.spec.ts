import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { ServiceForwarder } from './service-forwarder';
import {
  ListPeers,
  type Listening,
  json,
  peer,
  send,
  serviceEntity,
  silentServer,
  startGateway,
  startUpstream,
  until,
} from './testing/fixtures';

const NO_TLS = { caCertificates: [] };
const SHORT = 150;

describe('ServiceForwarder timeouts and aborts', () => {
  let gateway: Listening | undefined;
  let forwarder: ServiceForwarder | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await gateway?.close();
    forwarder?.close();
    gateway = undefined;
    forwarder = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function through(peers: ListPeers, service: Record<string, unknown>): Promise<number> {
    forwarder = new ServiceForwarder(serviceEntity(service), NO_TLS, { serverToken: 'gantry/test' });
    gateway = await startGateway(forwarder, () => ({ peers }));
    return gateway.port;
  }

  it('answers 504 on a read timeout and retries an idempotent request', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const peers = new ListPeers([peer(silent.port)]);
    const reply = await send(await through(peers, { read_timeout: SHORT, retries: 1 }));
    expect(reply.status).toBe(504);
    expect(json(reply)).toEqual({ message: 'The upstream server is timing out', request_id: 'req-0001' });
    await peers.settled(2);
    expect(peers.outcomes()).toEqual([{ kind: 'timeout' }, { kind: 'timeout' }]);
  });

  it('does not resend a POST whose read timed out', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const peers = new ListPeers([peer(silent.port)]);
    const reply = await send(await through(peers, { read_timeout: SHORT, retries: 3 }), {
      method: 'POST',
      body: 'a=1',
    });
    expect(reply.status).toBe(504);
    expect(peers.picks).toBe(1);
  });

  it('times out a TLS handshake that never completes as a connect timeout, and retries it', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const peers = new ListPeers([peer(silent.port)]);
    // The read timeout is far away: only the connect timeout can end this attempt quickly.
    const reply = await send(
      await through(peers, { protocol: 'https', connect_timeout: SHORT, read_timeout: 600_000, retries: 2 }),
      { method: 'POST', body: 'a=1' },
    );
    expect(reply.status).toBe(504);
    await peers.settled(3);
    expect(peers.outcomes()).toEqual([{ kind: 'timeout' }, { kind: 'timeout' }, { kind: 'timeout' }]);
  });

  it('answers 504 when the upstream stops taking the request body (write timeout)', async () => {
    const stalled = await silentServer(false);
    cleanups.push(() => stalled.close());
    const peers = new ListPeers([peer(stalled.port)]);
    const port = await through(peers, { write_timeout: SHORT, read_timeout: 600_000 });
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    // Far more than the socket buffers of both ends hold, produced lazily.
    const body = new Readable({
      read() {
        sent += chunk.length;
        this.push(sent > 256 * 1024 * 1024 ? null : chunk);
      },
    });
    const reply = await send(port, { method: 'POST', body });
    body.destroy();
    expect(reply.status).toBe(504);
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([{ kind: 'timeout' }]);
  });

  it('does not blame the upstream for a client that is slow to send its body', async () => {
    const upstream = await startUpstream((req, res) => {
      let length = 0;
      req.on('data', (chunk: Buffer) => (length += chunk.length));
      req.on('end', () => res.end(String(length)));
    });
    cleanups.push(() => upstream.close());
    const peers = new ListPeers([peer(upstream.port)]);
    const port = await through(peers, { write_timeout: 50, read_timeout: 600_000 });
    let parts = 0;
    const body = new Readable({
      read() {
        if (parts++ === 3) this.push(null);
        else setTimeout(() => this.push(Buffer.from('slow')), 120);
      },
    });
    const reply = await send(port, { method: 'POST', body });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('12');
  });

  it('stops the upstream request and releases the peer when the client aborts while waiting', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await startUpstream((req) => req.socket.once('close', upstreamClosed));
    cleanups.push(() => upstream.close());
    const peers = new ListPeers([peer(upstream.port)]);
    const port = await through(peers, {});
    const client = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false });
    client.on('error', () => undefined);
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.destroy();
    await closed;
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([{ kind: 'cancelled' }]);
    await until(() => forwarder!.connections().active === 0);
    expect(forwarder!.connections()).toEqual({ active: 0, idle: 0 });
  });

  it('closes the upstream connection when the client goes away during the response', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await startUpstream((req, res) => {
      req.socket.once('close', upstreamClosed);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part');
    });
    cleanups.push(() => upstream.close());
    const peers = new ListPeers([peer(upstream.port)]);
    const port = await through(peers, {});
    await new Promise<void>((resolve) => {
      const client = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.once('data', () => {
          client.destroy();
          resolve();
        });
      });
      client.on('error', () => undefined);
      client.end();
    });
    await closed;
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([expect.objectContaining({ kind: 'response', status: 200 })]);
  });

  it('does not count the time the client takes to read against the read timeout', async () => {
    const payload = Buffer.alloc(32 * 1024 * 1024, 7);
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': String(payload.length) });
      res.end(payload);
    });
    cleanups.push(() => upstream.close());
    const peers = new ListPeers([peer(upstream.port)]);
    // Generous against a loaded machine: only a stall (client paused) three times the timeout must not count.
    const port = await through(peers, { read_timeout: 500 });
    const received = await new Promise<number>((resolve, reject) => {
      const client = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let length = 0;
        res.once('data', (chunk: Buffer) => {
          length += chunk.length;
          // Stall well past the read timeout while the upstream has plenty more to send.
          res.pause();
          setTimeout(() => {
            res.on('data', (more: Buffer) => (length += more.length));
            res.resume();
          }, 1500);
        });
        res.on('end', () => resolve(length));
        res.on('error', reject);
      });
      client.on('error', reject);
      client.end();
    });
    expect(received).toBe(payload.length);
  });
});
