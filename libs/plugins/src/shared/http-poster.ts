import * as http from 'node:http';
import * as https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';

/** How a poster talks to its endpoint. */
export interface HttpPosterOptions {
  readonly method: string;
  /** Sent with every request (lower-case names); Content-Length is added per body. */
  readonly headers: OutgoingHttpHeaders;
  /** Inactivity allowed while sending and waiting for the answer, ms. */
  readonly timeoutMs: number;
  /** Time allowed to open a connection, ms (defaults to `timeoutMs`). */
  readonly connectTimeoutMs?: number;
  /** How long an idle connection is kept for the next request, ms. */
  readonly keepAliveMs: number;
  /** Check the endpoint's TLS certificate (Kong's log plugins do not). */
  readonly verifyTls: boolean;
}

/** How much of a refusing server's body goes into the error message. */
const BODY_IN_ERROR = 512;

/**
 * Sends request bodies to one URL over kept-alive connections and resolves when the server answers 2xx
 * (rejects otherwise, with Kong's wording). Everything but the body is decided at construction.
 */
export class HttpPoster {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly requestOptions: http.RequestOptions;
  private readonly target: string;

  constructor(
    url: URL,
    private readonly options: HttpPosterOptions,
  ) {
    const secure = url.protocol === 'https:';
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    this.target = `${url.hostname}:${port}`;
    // An idle socket is closed after `keepAliveMs`, as a Kong connection pool's keepalive timeout does.
    const agentOptions = { keepAlive: true, timeout: options.keepAliveMs, maxSockets: 16 };
    this.agent = secure
      ? new https.Agent({ ...agentOptions, rejectUnauthorized: options.verifyTls })
      : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
    this.requestOptions = {
      method: options.method,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port,
      path: `${url.pathname}${url.search}`,
      agent: this.agent,
    };
  }

  /** Sends one body; resolves on a 2xx answer. */
  post(payload: string | Uint8Array): Promise<void> {
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const { timeoutMs, connectTimeoutMs = timeoutMs } = this.options;
    return new Promise<void>((resolve, reject) => {
      const req = this.request(
        { ...this.requestOptions, headers: { ...this.options.headers, 'content-length': body.length } },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < BODY_IN_ERROR) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          res.on('end', () => {
            if (status >= 200 && status < 300) {
              resolve();
              return;
            }
            const text = Buffer.concat(chunks).subarray(0, BODY_IN_ERROR).toString();
            reject(new Error(`request to ${this.target} returned status code ${status} and body ${text}`));
          });
          res.on('error', reject);
        },
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => req.destroy(new Error('connect timeout')), connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (error) => reject(new Error(`failed request to ${this.target}: ${error.message}`)));
      req.end(body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
