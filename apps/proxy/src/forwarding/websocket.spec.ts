import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ServiceForwarder } from './service-forwarder';
import { ListPeers, type Listening, peer, refusedPort, serviceEntity, startGateway } from './testing/fixtures';

interface Handshake {
  socket: WebSocket;
  headers: IncomingHttpHeaders;
}

function connect(port: number, path = '/chat'): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    let headers: IncomingHttpHeaders = {};
    socket.once('upgrade', (res: IncomingMessage) => (headers = res.headers));
    socket.once('open', () => resolve({ socket, headers }));
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`status ${res.statusCode}`), {
            status: res.statusCode,
            body: Buffer.concat(chunks).toString(),
          }),
        ),
      );
    });
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
}

describe('ServiceForwarder WebSocket upgrades', () => {
  let upstream: WebSocketServer;
  let upstreamPort: number;
  const handshakes: IncomingHttpHeaders[] = [];
  let gateway: Listening | undefined;
  let forwarder: ServiceForwarder | undefined;

  beforeAll(async () => {
    upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => upstream.once('listening', resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
    upstream.on('connection', (socket, req) => {
      handshakes.push(req.headers);
      socket.on('message', (data: Buffer) => socket.send(`echo ${data.toString()}`));
    });
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
  afterEach(async () => {
    await gateway?.close();
    forwarder?.close();
    gateway = undefined;
    forwarder = undefined;
  });

  async function through(peers: ListPeers, service: Record<string, unknown> = {}): Promise<number> {
    forwarder = new ServiceForwarder(serviceEntity(service), { caCertificates: [] }, { serverToken: 'gantry/test' });
    gateway = await startGateway(forwarder, () => ({ peers, requestId: 'ws-1' }));
    return gateway.port;
  }

  it('proxies the handshake with Kong headers, then messages both ways', async () => {
    const peers = new ListPeers([peer(upstreamPort)]);
    const { socket, headers } = await connect(await through(peers));
    const reply = nextMessage(socket);
    socket.send('hello');
    expect(await reply).toBe('echo hello');

    expect(headers).toMatchObject({ 'x-kong-request-id': 'ws-1', via: '1.1 gantry/test', upgrade: 'websocket' });
    expect(handshakes.at(-1)).toMatchObject({
      host: `127.0.0.1:${upstreamPort}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-real-ip': '127.0.0.1',
      'x-kong-request-id': 'ws-1',
      via: '1.1 gantry/test',
      upgrade: 'websocket',
    });

    socket.close();
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([expect.objectContaining({ kind: 'response', status: 101 })]);
  });

  it('answers 503 when there is no peer and 502 when the peer refuses', async () => {
    await expect(connect(await through(new ListPeers([], { ok: false, reason: 'no-healthy' })))).rejects.toMatchObject({
      status: 503,
    });
    await gateway!.close();
    forwarder!.close();

    const peers = new ListPeers([peer(await refusedPort())]);
    const failure = connect(await through(peers));
    await expect(failure).rejects.toMatchObject({ status: 502 });
    await expect(failure.catch((e: { body: string }) => JSON.parse(e.body) as unknown)).resolves.toEqual({
      message: 'An invalid response was received from the upstream server',
      request_id: 'ws-1',
    });
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([{ kind: 'tcp-error' }]);
  });

  it('relays a refused handshake as the upstream answered it', async () => {
    const picky = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => false });
    await new Promise((resolve) => picky.once('listening', resolve));
    try {
      const peers = new ListPeers([peer((picky.address() as AddressInfo).port)]);
      await expect(connect(await through(peers))).rejects.toMatchObject({ status: 401 });
      await peers.settled(1);
      expect(peers.outcomes()).toEqual([expect.objectContaining({ kind: 'response', status: 401 })]);
    } finally {
      await new Promise<void>((resolve) => picky.close(() => resolve()));
    }
  });

  it('closes a tunnel that stays silent longer than read_timeout', async () => {
    const peers = new ListPeers([peer(upstreamPort)]);
    const { socket } = await connect(await through(peers, { read_timeout: 150 }));
    await new Promise((resolve) => socket.once('close', resolve));
    await peers.settled(1);
    expect(peers.outcomes()).toEqual([expect.objectContaining({ kind: 'response', status: 101 })]);
  });
});
