import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BodyRecorder } from './body-replay';
import { UpstreamTimeoutError } from './errors';
import { type ForwarderCore, elapsedMs } from './forwarder-core';
import type { KongErrorKind } from './kong-errors';
import { mergePresetHeaders } from './response-headers';
import type { AttemptOutcome, ForwardRequest, PickFailureReason, UpstreamPeer } from './types';
import { UpstreamExchange, exchangeOf, tag } from './upstream-exchange';

const TIMEOUT: AttemptOutcome = Object.freeze({ kind: 'timeout' });
const TCP_ERROR: AttemptOutcome = Object.freeze({ kind: 'tcp-error' });
const CANCELLED: AttemptOutcome = Object.freeze({ kind: 'cancelled' });

/** nginx's non-idempotent methods: never sent twice once they reached an upstream (`proxy_next_upstream`). */
const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH']);
/** What a pooled connection the upstream closed in the meantime fails with. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);
/** A body plugins want whole is buffered up to this size; a larger one is relayed untouched. */
const MAX_BUFFERED_RESPONSE_BYTES = 16 * 1024 * 1024;
/** http-proxy adds two listeners on the client request per attempt. */
const LISTENERS_PER_ATTEMPT = 2;

export function pickFailureKind(reason: PickFailureReason): KongErrorKind {
  return reason === 'dns-error' ? 'name-resolution' : 'no-peer';
}

/** One client request through a service: its attempts, retries, response relay and error answer. */
export class HttpExchange extends UpstreamExchange {
  private attempts = 0;
  private tried: Set<string> | undefined = undefined;
  private peer: UpstreamPeer | null = null;
  private attemptOpen = false;
  private responded = false;
  private status = 0;
  private latencyMs = 0;
  private dispatchedAt = 0n;
  private firstDispatchAt = 0n;
  private lastFailure: KongErrorKind = 'bad-gateway';
  private source: Readable;
  private readonly recorder: BodyRecorder | null;
  /** The whole request body, already read by a plugin: every attempt sends it from memory. */
  private readonly bufferedBody: Buffer | null;
  /** http-proxy collapses `//` in paths (and rewrites `http:/`); such paths are put back on the upstream request. */
  private readonly restorePath: boolean;

  constructor(
    private readonly core: ForwarderCore,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly request: ForwardRequest,
  ) {
    super(core.settings);
    this.source = req;
    this.bufferedBody = request.body ?? null;
    this.recorder = this.bufferedBody === null && hasBody(req) ? new BodyRecorder(core.retryBodyLimitBytes) : null;
    const path = request.upstreamPath;
    this.restorePath = path.includes('//') || path.includes(':/');
  }

  start(): void {
    tag(this.req, this);
    tag(this.res, this);
    this.res.once('close', onClientClose);
    this.watchSource(this.req);
    this.core.requestHeaders.rewrite(this.req, this.request, false);
    this.dispatch();
  }

  /** http-proxy created the attempt's upstream request and it has a socket. */
  onProxyReq(proxyReq: ClientRequest): void {
    if (this.phase === 'done') {
      proxyReq.destroy();
      return;
    }
    this.proxyReq = proxyReq;
    tag(proxyReq, this);
    if (this.restorePath) proxyReq.path = this.request.upstreamPath;
    const socket = proxyReq.socket;
    if (socket !== null) this.attachSocket(proxyReq, socket);
  }

  onResponse(proxyRes: IncomingMessage): void {
    if (this.phase === 'done') {
      proxyRes.destroy();
      return;
    }
    const now = process.hrtime.bigint();
    this.responded = true;
    this.phase = 'streaming';
    this.status = proxyRes.statusCode ?? 502;
    this.latencyMs = elapsedMs(this.dispatchedAt, now);
    this.recorder?.release();
    // An early answer can arrive while the body is still being sent: from here on only reads are timed.
    this.proxyReq?.socket?.setTimeout(this.settings.readTimeoutMs);

    const headers = proxyRes.headers;
    mergePresetHeaders(this.res, headers);
    this.core.responseHeaders.rewrite(
      headers,
      this.request.requestId,
      this.latencyMs,
      elapsedMs(this.request.receivedAt, this.firstDispatchAt),
      false,
    );
    const hooks = this.request.responseHooks;
    if (hooks != null) {
      const mayHaveBody = responseMayHaveBody(this.req.method, this.status);
      if (hooks.headers(this.status, headers, mayHaveBody) && mayHaveBody) {
        this.bufferResponse(proxyRes, hooks.body.bind(hooks));
        return;
      }
    }
    this.relay(proxyRes);
  }

  /** Writes the (rewritten) status line and headers, then streams the upstream body to the client. */
  private relay(proxyRes: IncomingMessage, head?: readonly Buffer[]): void {
    const headers = proxyRes.headers;
    try {
      if (proxyRes.statusMessage) this.res.writeHead(this.status, proxyRes.statusMessage, headers);
      else this.res.writeHead(this.status, headers);
    } catch {
      // Node refused a header value the upstream sent: the response is not relayable.
      this.proxyReq?.destroy();
      this.closeAttempt(this.responseOutcome());
      this.fail('bad-gateway');
      return;
    }
    tag(proxyRes, this);
    proxyRes.on('end', onUpstreamEnd);
    proxyRes.on('close', onUpstreamClose);
    proxyRes.on('pause', onUpstreamPause);
    this.res.on('drain', onClientDrain);
    if (head !== undefined) for (const chunk of head) this.res.write(chunk);
    proxyRes.pipe(this.res);
  }

  /**
   * Collects the whole upstream body for plugins that transform or store it, then sends their result with its
   * own Content-Length. A body over the limit is relayed as it came, untransformed.
   */
  private bufferResponse(proxyRes: IncomingMessage, transform: (body: Buffer) => Buffer): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > MAX_BUFFERED_RESPONSE_BYTES) {
        proxyRes.off('data', onData);
        proxyRes.off('end', onEnd);
        proxyRes.pause();
        this.relay(proxyRes, chunks);
      }
    };
    const onEnd = (): void => {
      if (this.phase !== 'streaming') return;
      const body = transform(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      const headers = proxyRes.headers;
      headers['content-length'] = String(body.length);
      try {
        if (proxyRes.statusMessage) this.res.writeHead(this.status, proxyRes.statusMessage, headers);
        else this.res.writeHead(this.status, headers);
      } catch {
        this.closeAttempt(this.responseOutcome());
        this.fail('bad-gateway');
        return;
      }
      this.closeAttempt(this.responseOutcome());
      this.complete();
      this.res.end(body);
    };
    tag(proxyRes, this);
    proxyRes.on('data', onData);
    proxyRes.on('end', onEnd);
    proxyRes.on('close', onUpstreamClose);
  }

  /** Any error http-proxy reports for this request: upstream failures, and the client's. */
  onError(error: Error): void {
    if (this.phase === 'done') return;
    const clientSocket = this.req.socket as IncomingMessage['socket'] | null;
    if (clientSocket === null || clientSocket.destroyed) {
      this.cancel();
      return;
    }
    if (!this.attemptOpen) return;
    if (this.responded) {
      // Headers are out: nothing valid can follow, the client must see a broken response.
      this.closeAttempt(this.responseOutcome());
      this.complete();
      this.res.destroy();
      return;
    }
    const timeout = error instanceof UpstreamTimeoutError;
    const retry = this.mayRetry(error, timeout);
    this.closeAttempt(timeout ? TIMEOUT : TCP_ERROR);
    this.lastFailure = timeout ? 'upstream-timeout' : 'bad-gateway';
    (this.tried ??= new Set()).add(this.peer!.key);
    if (retry) this.dispatch();
    else this.fail(this.lastFailure);
  }

  /** The client went away (or Gantry gave up): stop the upstream side and release the peer. */
  cancel(): void {
    if (this.phase === 'done') return;
    if (this.attemptOpen) this.closeAttempt(this.responded ? this.responseOutcome() : CANCELLED);
    this.proxyReq?.destroy();
    this.complete();
  }

  upstreamEnded(): void {
    if (this.phase !== 'streaming') return;
    this.closeAttempt(this.responseOutcome());
    this.complete();
  }

  upstreamAborted(): void {
    if (this.phase !== 'streaming') return;
    this.closeAttempt(this.responseOutcome());
    this.complete();
    this.res.destroy();
  }

  upstreamPaused(): void {
    if (this.phase === 'streaming') this.proxyReq?.socket?.setTimeout(0);
  }

  clientDrained(): void {
    if (this.phase === 'streaming') this.proxyReq?.socket?.setTimeout(this.settings.readTimeoutMs);
  }

  private dispatch(): void {
    const request = this.request;
    const pick = request.peers.pick(this.tried);
    if (!pick.ok) {
      this.fail(this.attempts === 0 ? pickFailureKind(pick.reason) : this.lastFailure);
      return;
    }
    const peer = pick.peer;
    const req = this.req;
    this.peer = peer;
    this.attempts++;
    this.phase = 'connecting';
    this.proxyReq = null;
    this.requestSent = false;
    this.reusedSocket = false;
    if (this.attempts * LISTENERS_PER_ATTEMPT >= req.getMaxListeners()) {
      req.setMaxListeners((this.attempts + 4) * LISTENERS_PER_ATTEMPT);
    }
    const hostHeader = request.hostHeader ?? this.core.hostHeaderFor(peer, request.peers.hostHeader);
    req.headers.host = hostHeader;
    const body =
      this.bufferedBody !== null
        ? Readable.from([this.bufferedBody])
        : this.attempts > 1
          ? this.replayBody()
          : undefined;
    const options = this.core.attemptOptions(peer, hostHeader, body);

    request.peers.started(peer);
    this.attemptOpen = true;
    this.dispatchedAt = process.hrtime.bigint();
    if (this.attempts === 1) this.firstDispatchAt = this.dispatchedAt;
    // http-proxy reads `req.url` synchronously as the upstream path (with `toProxy`, without url.parse).
    const url = req.url;
    req.url = request.upstreamPath;
    try {
      this.core.server.web(req, this.res, options);
    } catch {
      this.closeAttempt(CANCELLED);
      this.fail('unexpected');
      return;
    } finally {
      req.url = url;
    }
    if (this.attempts === 1 && this.recorder !== null) this.recorder.attach(req);
  }

  private mayRetry(error: Error, timeout: boolean): boolean {
    if (this.attempts > this.settings.retries) return false;
    if (this.recorder !== null && !this.recorder.replayable) return false;
    // Nothing reached the upstream yet: always safe.
    if (this.phase === 'connecting' || this.phase === 'idle') return true;
    if (!NON_IDEMPOTENT.has(this.req.method ?? 'GET')) return true;
    // A pooled connection the upstream had closed: the request never got processed.
    const code = (error as NodeJS.ErrnoException).code;
    return !timeout && this.reusedSocket && code !== undefined && STALE_CONNECTION_CODES.has(code);
  }

  /** The body stream for a retry: the bytes the recorder kept, then the rest of the client's body. */
  private replayBody(): Readable | undefined {
    const req = this.req;
    req.unpipe();
    const previous = this.source;
    if (previous !== req) {
      previous.unpipe();
      previous.destroy();
      tag(previous, undefined);
    }
    if (this.recorder === null) {
      this.source = req;
      return undefined;
    }
    const replay = this.recorder.replay(req);
    this.watchSource(replay);
    this.source = replay;
    return replay;
  }

  private responseOutcome(): AttemptOutcome {
    return { kind: 'response', status: this.status, latencyMs: this.latencyMs };
  }

  private closeAttempt(outcome: AttemptOutcome): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    this.request.peers.finished(this.peer!, outcome);
  }

  private fail(kind: KongErrorKind): void {
    this.complete();
    const req = this.req;
    // Whatever body the client still sends has nowhere to go: read and drop it, so the error reaches the
    // client and its connection stays usable (nginx discards it too).
    if (!req.complete) {
      req.unpipe();
      req.resume();
    }
    this.core.errors.write(this.res, kind, this.request.requestId);
  }

  private complete(): void {
    this.phase = 'done';
    this.recorder?.release();
    const source = this.source;
    if (source !== this.req) {
      source.unpipe();
      source.destroy();
      tag(source, undefined);
    }
  }
}

/** HEAD answers and 1xx, 204 and 304 have no body, whatever their headers say. */
function responseMayHaveBody(method: string | undefined, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function httpExchangeOf(target: object): HttpExchange | undefined {
  const exchange = exchangeOf(target);
  return exchange instanceof HttpExchange ? exchange : undefined;
}

function onClientClose(this: ServerResponse): void {
  // A response that finished writing is not a client going away.
  if (!this.writableFinished) httpExchangeOf(this)?.cancel();
}

function onUpstreamEnd(this: IncomingMessage): void {
  httpExchangeOf(this)?.upstreamEnded();
}

function onUpstreamClose(this: IncomingMessage): void {
  if (!this.complete) httpExchangeOf(this)?.upstreamAborted();
}

function onUpstreamPause(this: IncomingMessage): void {
  httpExchangeOf(this)?.upstreamPaused();
}

function onClientDrain(this: ServerResponse): void {
  httpExchangeOf(this)?.clientDrained();
}

// http-proxy's events for plain requests, routed to their exchange.

export function onProxyReqEvent(proxyReq: ClientRequest, req: IncomingMessage): void {
  httpExchangeOf(req)?.onProxyReq(proxyReq);
}

export function onProxyResEvent(proxyRes: IncomingMessage, req: IncomingMessage): void {
  httpExchangeOf(req)?.onResponse(proxyRes);
}

export function onHttpErrorEvent(error: Error, req: IncomingMessage): void {
  httpExchangeOf(req)?.onError(error);
}

export function onEconnresetEvent(_error: Error, req: IncomingMessage): void {
  httpExchangeOf(req)?.cancel();
}
