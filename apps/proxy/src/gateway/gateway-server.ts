import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { ListenAddress } from '@gantry/settings';

const NO_ROUTE = 'no Route matched with those values';

/**
 * The data-plane listener. It is a bare `node:http` server, not a Nest app, so the per-request path
 * carries none of Nest's pipeline. Until the config fold feeds it routes, every request is Kong's 404.
 */
export class GatewayServer {
  private readonly server: Server;

  constructor(private readonly listen: ListenAddress) {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.handle(req, res));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listen.port, this.listen.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): ListenAddress {
    const address = this.server.address();
    if (address === null || typeof address === 'string') return this.listen;
    return { host: address.address, port: address.port };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private handle(_req: IncomingMessage, res: ServerResponse): void {
    const requestId = randomUUID();
    const body = JSON.stringify({ message: NO_ROUTE, request_id: requestId });
    res.writeHead(404, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-kong-request-id': requestId,
    });
    res.end(body);
  }
}
