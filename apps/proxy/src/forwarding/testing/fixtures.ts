import type { Entity } from '@gantry/config';
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from 'node:http';
import { type AddressInfo, type Socket, createServer as createNetServer } from 'node:net';
import type { Readable } from 'node:stream';
import type { ServiceForwarder } from '../service-forwarder';
import type { AttemptOutcome, ForwardRequest, PeerPick, PeerSource, UpstreamPeer } from '../types';

/** A Kong service with every default filled in, as the config fold hands them out. */
export function serviceEntity(overrides: Partial<Record<string, unknown>> = {}): Entity {
  return {
    id: '5b3c7d6e-0000-4000-8000-000000000001',
    name: 'svc',
    protocol: 'http',
    host: 'example.test',
    port: 80,
    path: null,
    retries: 5,
    connect_timeout: 60_000,
    write_timeout: 60_000,
    read_timeout: 60_000,
    tags: null,
    client_certificate: null,
    tls_verify: null,
    tls_verify_depth: null,
    ca_certificates: null,
    enabled: true,
    created_at: 1,
    updated_at: 1,
    ...overrides,
  };
}

export function peer(port: number, host = '127.0.0.1', address = '127.0.0.1'): UpstreamPeer {
  return { key: `${address}:${port}`, host, address, port };
}

export type PeerEvent = { event: 'started'; key: string } | { event: 'finished'; key: string; outcome: AttemptOutcome };

/** Hands out peers in order, skipping those already tried; once all were tried, starts over (like Kong's ring). */
export class ListPeers implements PeerSource {
  readonly events: PeerEvent[] = [];
  picks = 0;
  hostHeader: string | null = null;

  constructor(
    private readonly peers: UpstreamPeer[],
    private readonly failure: PeerPick | null = null,
  ) {}

  pick(tried: ReadonlySet<string> | undefined): PeerPick {
    this.picks++;
    if (this.failure !== null) return this.failure;
    const fresh = this.peers.find((p) => tried === undefined || !tried.has(p.key));
    return { ok: true, peer: fresh ?? this.peers[0] };
  }

  started(p: UpstreamPeer): void {
    this.events.push({ event: 'started', key: p.key });
  }

  finished(p: UpstreamPeer, outcome: AttemptOutcome): void {
    this.events.push({ event: 'finished', key: p.key, outcome });
  }

  outcomes(): AttemptOutcome[] {
    return this.events.flatMap((e) => (e.event === 'finished' ? [e.outcome] : []));
  }

  /** Resolves once every started attempt was finished and at least `count` attempts ended. */
  async settled(count = 1): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const started = this.events.filter((e) => e.event === 'started').length;
      const finished = this.outcomes().length;
      if (finished >= count && started === finished) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`peer source never settled: ${JSON.stringify(this.events)}`);
  }
}

export interface RequestOverrides extends Partial<Omit<ForwardRequest, 'peers'>> {
  peers: PeerSource;
}

export type RequestFactory = (req: IncomingMessage) => RequestOverrides;

/** A gateway stand-in: a bare node:http server that hands every request (and upgrade) to the forwarder. */
export async function startGateway(forwarder: ServiceForwarder, factory: RequestFactory): Promise<Listening> {
  const build = (req: IncomingMessage): ForwardRequest => {
    const overrides = factory(req);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    return {
      requestId: 'req-0001',
      receivedAt: process.hrtime.bigint(),
      upstreamPath: url,
      hostHeader: null,
      clientAddress: req.socket.remoteAddress ?? '127.0.0.1',
      scheme: 'http',
      forwardedHost: 'gateway.test',
      forwardedPort: 8000,
      forwardedPath: query === -1 ? url : url.slice(0, query),
      forwardedPrefix: null,
      ...overrides,
    };
  };
  const server = createServer((req, res) => forwarder.forward(req, res, build(req)));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
    forwarder.upgrade(req, socket, head, build(req)),
  );
  return listen(server);
}

export interface Listening {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function startUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  return listen(createServer(handler));
}

/** A port nothing listens on: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers (nor reads, when `read` is false). */
export async function silentServer(read = true): Promise<{ port: number; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if (read) socket.resume();
    else socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** One request to the gateway; `body` may be a stream (sent chunked unless a content-length is given). */
export function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer | string | Readable;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

export function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
}

/** Polls until `condition` holds (for effects Node completes a tick or two later, such as a socket close). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}
