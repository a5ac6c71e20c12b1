/**
 * A raw HTTP client for proxy tests: unlike fetch it sends any Host header and keeps response headers as node
 * gives them.
 */
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary JSON checked by tests
}

export interface HttpCall {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly agent?: Agent | false;
  /** https: with these options (servername, ca, rejectUnauthorized). */
  readonly tls?: { servername?: string; ca?: string; rejectUnauthorized?: boolean };
  readonly timeoutMs?: number;
}

const sharedAgent = new Agent({ keepAlive: true, maxSockets: 64 });

export function http(baseUrl: string, path: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options = {
      host: url.hostname,
      port: Number(url.port),
      path,
      method: call.method ?? 'GET',
      headers: call.headers,
      agent: secure ? undefined : (call.agent ?? sharedAgent),
      timeout: call.timeoutMs ?? 15_000,
      ...(secure
        ? {
            servername: call.tls?.servername,
            ca: call.tls?.ca,
            rejectUnauthorized: call.tls?.rejectUnauthorized ?? false,
          }
        : {}),
    };
    const req = (secure ? httpsRequest : request)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${call.method ?? 'GET'} ${baseUrl}${path}`)));
    req.on('error', reject);
    req.end(call.body);
  });
}
