import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Entity } from '@gantry/config';
import type { RouteCaptures } from '@gantry/router';
import { PluginError } from './errors';

/** What the gateway knows about a request when plugins start on it. */
export interface PluginRequestInit {
  readonly requestId: string;
  /** `process.hrtime.bigint()` at reception. */
  readonly receivedAt: bigint;
  readonly req: IncomingMessage;
  /** Absent for WebSocket handshakes, which answer on the raw socket. */
  readonly res: ServerResponse | null;
  /** Path as received, without the query. */
  readonly path: string;
  /** Query string without the `?` ('' when none). */
  readonly rawQuery: string;
  /** The client's address (after trusted-proxy resolution). */
  readonly clientIp: string;
  readonly scheme: 'http' | 'https';
  /** Host header without the port, lower-cased. */
  readonly host: string;
  /** The local port the client connected to. */
  readonly port: number;
  readonly route: Entity | null;
  readonly service: Entity | null;
  readonly captures: RouteCaptures | null;
  /** Upstream path (escaped, joined with the service path) without the query. */
  readonly upstreamPath: string;
  /** The config version the request was routed under (see `PluginRequest.configVersion`); 0 when not yet routed. */
  readonly configVersion?: number;
}

/** An answer given by a plugin instead of proxying (`kong.response.exit`). */
export interface PluginExit {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: OutgoingHttpHeaders;
}

/** What the response looked like once sent, for the log phase. */
export interface ResponseFacts {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  /** Bytes written to the client, headers included (nginx's `bytes_sent`). */
  readonly size: number;
  /** Bytes read from the client, headers included (nginx's `request_length`). */
  readonly requestSize: number;
  /** Time to the upstream's response headers, ms; null when nothing was proxied. */
  readonly upstreamLatencyMs: number | null;
  /** Gantry's own time before proxying (Kong's `latencies.kong`), ms. */
  readonly proxyLatencyMs: number | null;
  /** Reception to the last byte sent, ms. */
  readonly requestLatencyMs: number;
  /** Where the answer came from. */
  readonly source: 'upstream' | 'exit' | 'error';
}

/** Headers the gateway sets for an authenticated consumer (and removes otherwise, so clients cannot forge them). */
const CONSUMER_HEADERS = [
  'x-consumer-id',
  'x-consumer-custom-id',
  'x-consumer-username',
  'x-credential-identifier',
  'x-anonymous-consumer',
] as const;

/**
 * One request as plugins see it: Kong's PDK (`kong.request`, `kong.service.request`, `kong.response`,
 * `kong.client`, `kong.ctx.shared`) in one object. Made only for routes that have plugins.
 *
 * Request headers are the client's headers object: what a plugin sets there is what the upstream receives, and
 * what later plugins read (as with nginx's `ngx.req.set_header`).
 */
export class PluginRequest {
  readonly requestId: string;
  readonly receivedAt: bigint;
  /** Wall clock at reception, ms since the epoch (Kong's `started_at`). */
  readonly startedAt: number;
  readonly raw: IncomingMessage;
  readonly res: ServerResponse | null;
  /** The client's method. */
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly clientIp: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  route: Entity | null;
  service: Entity | null;
  captures: RouteCaptures | null;
  /**
   * The config version whose router and plugin chain serve this request, read when it was routed (a request that
   * ran the global rewrite phase first is routed, and stamped, after it). Log records carry it.
   */
  configVersion: number;

  /** Method sent upstream. */
  upstreamMethod: string;
  /** Path sent upstream (escaped), without the query. */
  upstreamPath: string;
  /** Query sent upstream, without `?`. */
  upstreamQuery: string;
  /** Body sent upstream instead of the client's stream, once a plugin read or replaced it. */
  upstreamBody: Buffer | null = null;

  consumer: Entity | null = null;
  credential: Entity | null = null;
  /** Set when the consumer is the configured `anonymous` fallback. */
  anonymous = false;
  /** Groups the acl plugin authorised with (`X-Consumer-Groups`). */
  authenticatedGroups: readonly string[] | null = null;

  exited: PluginExit | null = null;
  response: ResponseFacts | null = null;
  /**
   * The request headers as plugins left them, copied before the forwarder adds its own (`X-Forwarded-*`, `Via`,
   * the upstream Host): what log records show, as Kong logs `kong.request.get_headers()`.
   */
  loggedHeaders: IncomingHttpHeaders | null = null;
  private sharedState: Record<string, unknown> | undefined;
  private parsedQuery: URLSearchParams | undefined;
  private bodyRead: Promise<Buffer> | undefined;
  /** Response headers set for an upgrade, which has no response object. */
  private pendingHeaders: OutgoingHttpHeaders | undefined;

  constructor(init: PluginRequestInit) {
    this.requestId = init.requestId;
    this.receivedAt = init.receivedAt;
    this.startedAt = Date.now();
    this.raw = init.req;
    this.res = init.res;
    this.method = init.req.method ?? 'GET';
    this.path = init.path;
    this.rawQuery = init.rawQuery;
    this.clientIp = init.clientIp;
    this.scheme = init.scheme;
    this.host = init.host;
    this.port = init.port;
    this.route = init.route;
    this.service = init.service;
    this.captures = init.captures;
    this.configVersion = init.configVersion ?? 0;
    this.upstreamMethod = this.method;
    this.upstreamPath = init.upstreamPath;
    this.upstreamQuery = init.rawQuery;
  }

  /** Binds the route a request matched (after the global rewrite phase ran on an unrouted request). */
  bindRoute(route: Entity, service: Entity | null, captures: RouteCaptures | null, upstreamPath: string): void {
    this.route = route;
    this.service = service;
    this.captures = captures;
    this.upstreamPath = upstreamPath;
  }

  /** The client's request headers (lower-case names); also what goes upstream. */
  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  /** A request header's first value. */
  header(name: string): string | undefined {
    const value = this.raw.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The client's query arguments (parsed once). */
  query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }

  /** `kong.service.request.set_header`. */
  setHeader(name: string, value: string | string[]): void {
    this.raw.headers[name.toLowerCase()] = value;
  }

  /** `kong.service.request.clear_header`. */
  clearHeader(name: string): void {
    delete this.raw.headers[name.toLowerCase()];
  }

  /** Replaces the upstream query. */
  setUpstreamQuery(query: URLSearchParams | string): void {
    this.upstreamQuery = typeof query === 'string' ? query : query.toString();
  }

  /**
   * Reads the client's whole body (once; later calls get the same buffer). From then on the upstream receives
   * this buffer. Bodies over `limitBytes` reject with a `PluginError` whose status is 413.
   */
  readBody(limitBytes = 16 * 1024 * 1024): Promise<Buffer> {
    if (this.bodyRead !== undefined) return this.bodyRead;
    this.bodyRead = new Promise<Buffer>((resolve, reject) => {
      const req = this.raw;
      if (req.readableEnded) {
        resolve(Buffer.alloc(0));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > limitBytes) {
          cleanup();
          req.resume();
          reject(new PluginError('body-too-large', `request body exceeds ${limitBytes} bytes`, 413));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const cleanup = (): void => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('aborted', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('aborted', onError);
    }).then((body) => {
      if (this.upstreamBody === null) this.upstreamBody = body;
      return body;
    });
    return this.bodyRead;
  }

  /** True once the body was read (or replaced), so the upstream gets `upstreamBody`. */
  get bodyBuffered(): boolean {
    return this.upstreamBody !== null;
  }

  /** Replaces the body sent upstream (`kong.service.request.set_raw_body`); sets Content-Length. */
  setBody(body: Buffer | string, contentType?: string): void {
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    this.upstreamBody = buffer;
    const h = this.raw.headers;
    delete h['transfer-encoding'];
    h['content-length'] = String(buffer.length);
    if (contentType !== undefined) h['content-type'] = contentType;
  }

  /** `kong.ctx.shared`: state plugins pass to each other for this request. */
  get shared(): Record<string, unknown> {
    return (this.sharedState ??= {});
  }

  /**
   * Records the authenticated consumer and sets Kong's consumer headers upstream (removing forged ones).
   * `credential` is null for the anonymous consumer.
   */
  authenticate(consumer: Entity, credential: Entity | null, anonymous = false): void {
    this.consumer = consumer;
    this.credential = credential;
    this.anonymous = anonymous;
    const h = this.raw.headers;
    for (const name of CONSUMER_HEADERS) delete h[name];
    h['x-consumer-id'] = consumer.id;
    if (typeof consumer.custom_id === 'string') h['x-consumer-custom-id'] = consumer.custom_id;
    if (typeof consumer.username === 'string') h['x-consumer-username'] = consumer.username;
    if (credential !== null) h['x-credential-identifier'] = credential.id;
    if (anonymous) h['x-anonymous-consumer'] = 'true';
  }

  /** Sets a header on the response to the client, whether it comes from the upstream or from an exit. */
  setResponseHeader(name: string, value: string | number | readonly string[]): void {
    if (this.res !== null) {
      if (!this.res.headersSent) this.res.setHeader(name, value);
    } else {
      (this.pendingHeaders ??= {})[name.toLowerCase()] = value as string | string[];
    }
  }

  /** Response headers set so far (those of `setResponseHeader`). */
  presetResponseHeaders(): OutgoingHttpHeaders {
    return this.res !== null ? this.res.getHeaders() : (this.pendingHeaders ?? {});
  }

  /**
   * `kong.response.exit`: answer instead of proxying; later access handlers do not run. An object body is sent
   * as JSON.
   */
  exit(status: number, body?: string | Buffer | object | null, headers?: OutgoingHttpHeaders): void {
    const out: OutgoingHttpHeaders = headers === undefined ? {} : lowerCased(headers);
    let bytes: Buffer;
    if (body === undefined || body === null) {
      bytes = EMPTY;
    } else if (Buffer.isBuffer(body)) {
      bytes = body;
    } else if (typeof body === 'string') {
      bytes = Buffer.from(body);
    } else {
      bytes = Buffer.from(JSON.stringify(body));
      if (out['content-type'] === undefined) out['content-type'] = 'application/json; charset=utf-8';
    }
    this.exited = { status, body: bytes, headers: out };
  }

  /** Kong's error answer: `{"message": ..., "request_id": ...}` as JSON. */
  error(status: number, message: string, headers?: OutgoingHttpHeaders): void {
    this.exit(status, { message, request_id: this.requestId }, headers);
  }
}

const EMPTY = Buffer.alloc(0);

function lowerCased(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name];
  return out;
}
