import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AddressInfo, type Socket, createServer as createNetServer } from 'node:net';
import { ServiceForwarder } from './service-forwarder';
import {
  ListPeers,
  type Listening,
  json,
  peer,
  refusedPort,
  send,
  serviceEntity,
  startGateway,
  startUpstream,
} from './testing/fixtures';

const NO_TLS = { caCertificates: [] };

function digestEcho(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  req.on('end', () => res.end(JSON.stringify({ length, sha256: hash.digest('hex') })));
}

/** A raw server that reads `bytes` of each request, then resets the connection without answering. */
async function resetAfter(bytes: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    let seen = 0;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= bytes) socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('ServiceForwarder retries', () => {
  let upstream: Listening;
  let gateway: Listening | undefined;
  let forwarder: ServiceForwarder | undefined;

  beforeAll(async () => {
    upstream = await startUpstream(digestEcho);
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
    service: Record<string, unknown> = {},
    retryBodyLimitBytes?: number,
  ): Promise<number> {
    forwarder = new ServiceForwarder(serviceEntity(service), NO_TLS, {
      serverToken: 'gantry/test',
      retryBodyLimitBytes,
    });
    gateway = await startGateway(forwarder, () => ({ peers }));
    return gateway.port;
  }

  it('retries a refused connection on the next peer', async () => {
    const dead = await refusedPort();
    const peers = new ListPeers([peer(dead), peer(upstream.port)]);
    const reply = await send(await through(peers));
    expect(reply.status).toBe(200);
    await peers.settled(2);
    expect(peers.events).toEqual([
      { event: 'started', key: `127.0.0.1:${dead}` },
      { event: 'finished', key: `127.0.0.1:${dead}`, outcome: { kind: 'tcp-error' } },
      { event: 'started', key: `127.0.0.1:${upstream.port}` },
      {
        event: 'finished',
        key: `127.0.0.1:${upstream.port}`,
        outcome: expect.objectContaining({ kind: 'response', status: 200 }),
      },
    ]);
  });

  it('answers 502 after retries + 1 refused attempts', async () => {
    const peers = new ListPeers([peer(await refusedPort()), peer(await refusedPort())]);
    const reply = await send(await through(peers, { retries: 3 }));
    expect(reply.status).toBe(502);
    expect(json(reply)).toEqual({
      message: 'An invalid response was received from the upstream server',
      request_id: 'req-0001',
    });
    await peers.settled(4);
    expect(peers.outcomes()).toEqual(Array(4).fill({ kind: 'tcp-error' }));
    expect(peers.picks).toBe(4);
  });

  it('raises the listener limit of the client request as attempts pile up (no leak warning)', async () => {
    const peers = new ListPeers([peer(await refusedPort())]);
    const port = await through(peers, { retries: 20 });
    let clientRequest: IncomingMessage | undefined;
    gateway!.server.prependListener('request', (req: IncomingMessage) => (clientRequest = req));
    const reply = await send(port, { method: 'PUT', body: 'x' });
    expect(reply.status).toBe(502);
    expect(peers.picks).toBe(21);
    // http-proxy adds listeners to the client request on every attempt; Node warns past the limit.
    for (const event of ['error', 'aborted']) {
      expect(clientRequest!.listenerCount(event)).toBeLessThanOrEqual(clientRequest!.getMaxListeners());
    }
  });

  it('makes one attempt only when retries is 0', async () => {
    const peers = new ListPeers([peer(await refusedPort()), peer(upstream.port)]);
    expect((await send(await through(peers, { retries: 0 }))).status).toBe(502);
    expect(peers.picks).toBe(1);
  });

  it('replays the body bytes already sent when an idempotent request is reset before any answer', async () => {
    const flaky = await resetAfter(100_000);
    try {
      const peers = new ListPeers([peer(flaky.port), peer(upstream.port)]);
      const payload = randomBytes(600_000);
      const reply = await send(await through(peers), { method: 'PUT', body: payload });
      expect(reply.status).toBe(200);
      expect(json(reply)).toEqual({
        length: payload.length,
        sha256: createHash('sha256').update(payload).digest('hex'),
      });
      await peers.settled(2);
      expect(peers.outcomes()[0]).toEqual({ kind: 'tcp-error' });
    } finally {
      await flaky.close();
    }
  });

  it('does not resend a POST that reached the upstream', async () => {
    const flaky = await resetAfter(1);
    try {
      const peers = new ListPeers([peer(flaky.port), peer(upstream.port)]);
      const reply = await send(await through(peers), { method: 'POST', body: randomBytes(50_000) });
      expect(reply.status).toBe(502);
      expect(peers.picks).toBe(1);
    } finally {
      await flaky.close();
    }
  });

  it('does not retry once the body outgrew the replay limit', async () => {
    const flaky = await resetAfter(200_000);
    try {
      const peers = new ListPeers([peer(flaky.port), peer(upstream.port)]);
      const reply = await send(await through(peers, {}, 64 * 1024), { method: 'PUT', body: randomBytes(1024 * 1024) });
      expect(reply.status).toBe(502);
      expect(peers.picks).toBe(1);
    } finally {
      await flaky.close();
    }
  });

  it('does not retry after the upstream started answering, and breaks the client response', async () => {
    const halfway = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part of it');
      setImmediate(() => res.socket?.destroy());
    });
    try {
      const peers = new ListPeers([peer(halfway.port), peer(upstream.port)]);
      await expect(send(await through(peers))).rejects.toThrow();
      await peers.settled(1);
      expect(peers.picks).toBe(1);
      expect(peers.outcomes()).toEqual([expect.objectContaining({ kind: 'response', status: 200 })]);
    } finally {
      await halfway.close();
    }
  });

  it('retries a POST on a pooled connection the upstream had closed meanwhile', async () => {
    // Answers the first request of each connection, then drops the connection on the next one.
    const sockets: Socket[] = [];
    const server = createNetServer((socket) => {
      sockets.push(socket);
      let served = 0;
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
        if (served++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
        else socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const peers = new ListPeers([peer((server.address() as AddressInfo).port)]);
      const port = await through(peers);
      expect((await send(port)).status).toBe(200);
      await peers.settled(1);
      const reply = await send(port, { method: 'POST', body: 'x=1' });
      expect(reply.status).toBe(200);
      await peers.settled(3);
      expect(peers.outcomes().map((o) => o.kind)).toEqual(['response', 'tcp-error', 'response']);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
