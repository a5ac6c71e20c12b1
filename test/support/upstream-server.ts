/**
 * Small upstream servers for proxy tests: each answers with JSON describing the request it received, so a test
 * can see which upstream served it and what the proxy sent.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Echo {
  readonly upstream: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyLength: number;
}

/** How the server behaves; tests flip it to make an upstream fail and recover. */
export type UpstreamMode = 'ok' | 'error-500' | 'hang' | 'reset';

export class UpstreamServer {
  mode: UpstreamMode = 'ok';
  /** Answers this long after the request ended (a slow upstream). */
  delayMs = 0;
  /** Requests received, including the health checker's. */
  hits = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private host = '127.0.0.1';

  constructor(readonly name: string) {
    this.server = createServer((req, res) => {
      this.hits++;
      let bodyLength = 0;
      req.on('data', (chunk: Buffer) => (bodyLength += chunk.length));
      req.on('end', () => (this.delayMs > 0 ? setTimeout(answer, this.delayMs) : answer()));
      const answer = (): void => {
        if (this.mode === 'hang') return;
        if (this.mode === 'reset') {
          req.socket.destroy();
          return;
        }
        const echo: Echo = {
          upstream: name,
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          bodyLength,
        };
        const body = JSON.stringify(echo);
        res.writeHead(this.mode === 'error-500' ? 500 : 200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      };
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `host` is the address to listen on (and in `target`): another than loopback for a Kubernetes endpoint. */
  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.host = host;
    this.server.listen(port, host);
    await once(this.server, 'listening');
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get target(): string {
    return `${this.host}:${this.port}`;
  }

  /** A service `url` pointing at this server. */
  get url(): string {
    return `http://${this.target}`;
  }

  get httpServer(): Server {
    return this.server;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export async function startUpstreams(...names: string[]): Promise<UpstreamServer[]> {
  return Promise.all(names.map((name) => new UpstreamServer(name).start()));
}
