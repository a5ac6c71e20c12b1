import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface TimedAnswer {
  readonly status: number;
  readonly body: string;
  /** performance.now() when the status line and headers arrived. */
  readonly at: number;
}

/**
 * HTTP/1.1 to one server over a single reused connection: polling costs one loopback round trip, no
 * connection set-up, and `at` is taken as soon as the answer starts.
 */
export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  send(method: 'GET' | 'POST', path: string, json?: unknown): Promise<TimedAnswer> {
    const payload = json === undefined ? undefined : JSON.stringify(json);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        },
        (res) => {
          const at = performance.now();
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), at }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
