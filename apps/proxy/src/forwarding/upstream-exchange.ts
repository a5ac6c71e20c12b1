import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { UpstreamTimeoutError, type UpstreamTimeoutPhase } from './errors';
import type { ServiceSettings } from './service-settings';

/** Links Node objects (requests, sockets, streams) of one exchange back to it without closures. */
export const EXCHANGE = Symbol('gantry.exchange');
export type Tagged<T> = T & { [EXCHANGE]?: UpstreamExchange };

export function tag<T extends object>(target: T, exchange: UpstreamExchange | undefined): void {
  (target as Tagged<T>)[EXCHANGE] = exchange;
}

export function exchangeOf(target: object): UpstreamExchange | undefined {
  return (target as Tagged<object>)[EXCHANGE];
}

/** Where the current attempt stands; it decides which timeout runs on the upstream socket. */
export type Phase = 'idle' | 'connecting' | 'sending' | 'waiting' | 'streaming' | 'done';

/**
 * Timeouts of one upstream attempt, on the upstream socket's own inactivity timer (Node re-arms it on every
 * read and write):
 * - connecting: `connect_timeout` until TCP (and TLS) is up; a pooled socket skips it;
 * - sending: `write_timeout`, only while the upstream does not take the body (backpressure), so a client that
 *   is slow to send is not blamed on the upstream;
 * - waiting and streaming: `read_timeout` between two reads, paused while the client is the one not reading.
 */
export abstract class UpstreamExchange {
  protected proxyReq: ClientRequest | null = null;
  protected phase: Phase = 'idle';
  protected requestSent = false;
  protected reusedSocket = false;

  protected constructor(protected readonly settings: ServiceSettings) {}

  /** The attempt's upstream request has its socket (http-proxy's `proxyReq` event, or `socket` for WebSockets). */
  protected attachSocket(proxyReq: ClientRequest, socket: Socket): void {
    proxyReq.on('timeout', onAttemptTimeout);
    proxyReq.once('finish', onRequestFinished);
    proxyReq.on('drain', onUpstreamDrain);
    if (proxyReq.reusedSocket) {
      this.reusedSocket = true;
      this.connected(socket);
      return;
    }
    this.phase = 'connecting';
    socket.setTimeout(this.settings.connectTimeoutMs);
    tag(socket, this);
    socket.once(this.settings.protocol === 'https' ? 'secureConnect' : 'connect', onSocketConnected);
  }

  connected(socket: Socket): void {
    if (this.phase !== 'connecting' && this.phase !== 'idle') return;
    if (this.requestSent) {
      this.phase = 'waiting';
      socket.setTimeout(this.settings.readTimeoutMs);
    } else {
      this.phase = 'sending';
      socket.setTimeout(this.proxyReq?.writableNeedDrain === true ? this.settings.writeTimeoutMs : 0);
    }
  }

  requestFinished(): void {
    this.requestSent = true;
    if (this.phase === 'sending') {
      this.phase = 'waiting';
      this.proxyReq?.socket?.setTimeout(this.settings.readTimeoutMs);
    }
  }

  sourcePaused(): void {
    if (this.phase === 'sending' && this.proxyReq?.writableNeedDrain === true) {
      this.proxyReq.socket?.setTimeout(this.settings.writeTimeoutMs);
    }
  }

  upstreamDrained(): void {
    if (this.phase === 'sending') this.proxyReq?.socket?.setTimeout(0);
  }

  timedOut(proxyReq: ClientRequest): void {
    if (!this.isCurrent(proxyReq) || this.phase === 'done' || this.phase === 'idle') return;
    proxyReq.destroy(new UpstreamTimeoutError(timeoutPhase(this.phase)));
  }

  isCurrent(proxyReq: ClientRequest): boolean {
    return proxyReq === this.proxyReq;
  }

  /** Listens for backpressure on the stream that feeds the upstream request body. */
  protected watchSource(source: Readable): void {
    tag(source, this);
    source.on('pause', onSourcePause);
  }
}

function timeoutPhase(phase: Phase): UpstreamTimeoutPhase {
  return phase === 'connecting' ? 'connect' : phase === 'sending' ? 'write' : 'read';
}

function onSocketConnected(this: Socket): void {
  const exchange = exchangeOf(this);
  tag(this, undefined);
  exchange?.connected(this);
}

function onAttemptTimeout(this: ClientRequest): void {
  exchangeOf(this)?.timedOut(this);
}

function onRequestFinished(this: ClientRequest): void {
  const exchange = exchangeOf(this);
  if (exchange?.isCurrent(this) === true) exchange.requestFinished();
}

function onUpstreamDrain(this: ClientRequest): void {
  const exchange = exchangeOf(this);
  if (exchange?.isCurrent(this) === true) exchange.upstreamDrained();
}

function onSourcePause(this: Readable): void {
  exchangeOf(this)?.sourcePaused();
}
