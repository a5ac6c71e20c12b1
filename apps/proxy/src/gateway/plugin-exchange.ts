import {
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@gantry/logging';
import { PluginError, type PluginChain, type PluginRequest, type ResponseView } from '@gantry/plugins';
import type { ResponseHooks } from '../forwarding';

const UNEXPECTED = 'An unexpected error occurred';

/**
 * One request on a route that has plugins: runs the chain's response phases on the upstream answer (as the
 * forwarder's hooks) or on an exit, and its log phase once the response is out.
 */
export class PluginExchange implements ResponseHooks {
  private view: ResponseView | null = null;
  private readonly bytesWrittenAtStart: number;
  /** Node has read the request head by now: the head's size is computed, the body's counted from here. */
  private readonly bytesReadAtStart: number;
  private logged = false;

  constructor(
    readonly kong: PluginRequest,
    readonly chain: PluginChain,
    private readonly serverToken: string,
    private readonly logger: Logger,
  ) {
    const socket = kong.raw.socket;
    this.bytesWrittenAtStart = socket?.bytesWritten ?? 0;
    this.bytesReadAtStart = socket?.bytesRead ?? 0;
  }

  headers(status: number, headers: IncomingHttpHeaders, mayHaveBody: boolean): boolean {
    const view: ResponseView = { status, headers, source: 'upstream' };
    this.view = view;
    if (!this.chain.has.response && !this.chain.has.body) return false;
    const wantsBody = this.chain.response(this.kong, view);
    return wantsBody && mayHaveBody;
  }

  body(body: Buffer): Buffer {
    return this.view === null ? body : this.chain.body(this.kong, body, this.view);
  }

  /** The request is about to be forwarded: keep the headers as plugins left them for the log phase. */
  forwarding(): void {
    if (this.chain.has.log) this.kong.loggedHeaders = { ...this.kong.headers };
  }

  /** An access phase that threw: Kong's error answer (the plugin's own status for a `PluginError`). */
  failed(error: unknown): void {
    const kong = this.kong;
    if (error instanceof PluginError && error.status !== undefined && error.status < 500) {
      kong.error(error.status, error.message);
      return;
    }
    this.logger.error({ err: error, requestId: kong.requestId, route: kong.route?.id }, 'plugin failed');
    kong.error(error instanceof PluginError && error.status !== undefined ? error.status : 500, UNEXPECTED);
  }

  /** Writes the exit a plugin chose, after the response and body phases ran on it (as Kong runs them on exits). */
  writeExit(res: ServerResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { view, body } = this.filteredExit();
    res.writeHead(view.status, view.headers as OutgoingHttpHeaders);
    res.end(this.kong.method === 'HEAD' ? undefined : body);
  }

  /** Writes the exit on the raw socket of a WebSocket handshake. */
  writeRawExit(socket: Duplex): void {
    const { view, body } = this.filteredExit();
    const headers: OutgoingHttpHeaders = {
      ...this.kong.presetResponseHeaders(),
      ...(view.headers as OutgoingHttpHeaders),
      connection: 'close',
    };
    let head = `HTTP/1.1 ${view.status} ${STATUS_CODES[view.status] ?? ''}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${String(v)}\r\n`;
    }
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n`), body]));
  }

  /** The exit after the chain's response phase (and body phase, when a plugin wants the body). */
  private filteredExit(): { view: ResponseView; body: Buffer } {
    const exit = this.kong.exited!;
    const headers = this.exitHeaders(exit.headers) as IncomingHttpHeaders;
    const view: ResponseView = { status: exit.status, headers, source: 'exit' };
    this.view = view;
    let body = exit.body;
    if ((this.chain.has.response || this.chain.has.body) && this.chain.response(this.kong, view)) {
      if (this.kong.method !== 'HEAD') body = this.chain.body(this.kong, body, view);
    }
    headers['content-length'] = String(body.length);
    return { view, body };
  }

  /** Records what was sent and runs the log phase after the current tick (never delaying the response). */
  finished(res: ServerResponse): void {
    if (this.logged) return;
    this.logged = true;
    if (!this.chain.has.log) return;
    const kong = this.kong;
    const source = kong.exited !== null ? 'exit' : this.view?.source === 'upstream' ? 'upstream' : 'error';
    const socket = kong.raw.socket;
    const now = process.hrtime.bigint();
    const sent = this.view?.headers;
    const upstream = Number(sent?.['x-kong-upstream-latency'] ?? res.getHeader('x-kong-upstream-latency'));
    const proxy = Number(sent?.['x-kong-proxy-latency'] ?? res.getHeader('x-kong-proxy-latency'));
    kong.response = {
      status: res.statusCode,
      headers: this.view?.headers ?? res.getHeaders(),
      size: Math.max(0, (socket?.bytesWritten ?? 0) - this.bytesWrittenAtStart),
      requestSize: headSize(kong.raw) + Math.max(0, (socket?.bytesRead ?? 0) - this.bytesReadAtStart),
      upstreamLatencyMs: source === 'upstream' && Number.isFinite(upstream) ? upstream : null,
      proxyLatencyMs: Number.isFinite(proxy) ? proxy : null,
      requestLatencyMs: Number(now - kong.receivedAt) / 1e6,
      source,
    };
    setImmediate(runLog, this.chain, kong);
  }

  private exitHeaders(given: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const latency = Math.round(Number(process.hrtime.bigint() - this.kong.receivedAt) / 1e6);
    return {
      ...given,
      'x-kong-response-latency': latency,
      server: this.serverToken,
      'x-kong-request-id': this.kong.requestId,
    };
  }
}

/** nginx's `request_length` without the body: request line, header lines, blank line. */
function headSize(req: IncomingMessage): number {
  let size = (req.method ?? '').length + 1 + (req.url ?? '').length + 11; // ' HTTP/1.1\r\n'
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) size += raw[i].length + 2 + Buffer.byteLength(raw[i + 1]) + 2;
  return size + 2;
}

function runLog(chain: PluginChain, kong: PluginRequest): void {
  chain.log(kong);
}
