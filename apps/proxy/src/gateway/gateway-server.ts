import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import type { ListenAddress } from '@gantry/settings';

export interface GatewayHandlers {
  readonly request: (req: IncomingMessage, res: ServerResponse) => void;
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface GatewayTls {
  readonly listen: ListenAddress;
  /** The default certificate (no SNI, or an SNI no certificate claims). */
  readonly cert: string;
  readonly key: string;
  readonly sniCallback: (serverName: string, done: (error: Error | null, context?: SecureContext) => void) => void;
}

const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 26\r\n' +
  'Connection: close\r\n\r\n{"message":"Bad request"}\n';

/**
 * The data-plane listeners (Kong's 8000 and 8443): bare `node:http`/`node:https` servers, so the request path
 * carries none of Nest's pipeline. Node's parser rejects malformed requests (bad request lines, conflicting
 * Content-Length and Transfer-Encoding); those get Kong's 400 and a closed connection, never a crash.
 */
export class GatewayServer {
  private readonly servers: { server: Server; listen: ListenAddress }[] = [];

  constructor(listen: ListenAddress, handlers: GatewayHandlers, tls?: GatewayTls) {
    const options = { keepAliveTimeout: 60_000 };
    this.servers.push({ server: createHttpServer(options, handlers.request), listen });
    if (tls) {
      const server = createHttpsServer(
        { ...options, cert: tls.cert, key: tls.key, SNICallback: tls.sniCallback },
        handlers.request,
      );
      this.servers.push({ server, listen: tls.listen });
    }
    for (const { server } of this.servers) {
      server.on('upgrade', handlers.upgrade);
      server.on('clientError', onClientError);
    }
  }

  /** Opens every listener, or none: when one cannot bind, those already open are closed again. */
  async start(): Promise<void> {
    try {
      for (const { server, listen } of this.servers) {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(listen.port, listen.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Where the plain listener is bound (port 0 resolves to the real port). */
  address(): ListenAddress {
    return boundAddress(this.servers[0]);
  }

  /** Where the TLS listener is bound, when there is one. */
  tlsAddress(): ListenAddress | undefined {
    return this.servers[1] ? boundAddress(this.servers[1]) : undefined;
  }

  get connections(): Promise<number> {
    return Promise.all(
      this.servers.map(
        ({ server }) => new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count ?? 0))),
      ),
    ).then((counts) => counts.reduce((a, b) => a + b, 0));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      ),
    );
  }
}

function boundAddress(entry: { server: Server; listen: ListenAddress }): ListenAddress {
  const address = entry.server.address();
  if (address === null || typeof address === 'string') return entry.listen;
  return { host: address.address, port: address.port };
}

function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(BAD_REQUEST);
}
