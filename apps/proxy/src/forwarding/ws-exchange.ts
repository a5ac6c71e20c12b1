import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { UpstreamTimeoutError } from './errors';
import { type ForwarderCore, elapsedMs } from './forwarder-core';
import { pickFailureKind } from './http-exchange';
import type { AttemptOutcome, ForwardRequest, UpstreamPeer } from './types';
import { UpstreamExchange, exchangeOf, tag } from './upstream-exchange';

const TIMEOUT: AttemptOutcome = Object.freeze({ kind: 'timeout' });
const TCP_ERROR: AttemptOutcome = Object.freeze({ kind: 'tcp-error' });
const CANCELLED: AttemptOutcome = Object.freeze({ kind: 'cancelled' });

/**
 * One WebSocket handshake through a service, then the tunnel. A single attempt: http-proxy ends the client
 * socket as soon as the upstream request fails, so there is no retry (see docs/proxy.md). The peer stays
 * `started` for the life of the tunnel, which is what least-connections balancing should count.
 */
export class WsExchange extends UpstreamExchange {
  private peer: UpstreamPeer | null = null;
  private attemptOpen = false;
  private responded = false;
  private status = 0;
  private latencyMs = 0;
  private dispatchedAt = 0n;
  private tunnel: Socket | null = null;

  constructor(
    private readonly core: ForwarderCore,
    private readonly req: IncomingMessage,
    private readonly socket: Duplex,
    private readonly head: Buffer,
    private readonly request: ForwardRequest,
  ) {
    super(core.settings);
  }

  start(): void {
    const { req, socket, request } = this;
    tag(req, this);
    tag(socket, this);
    // Node hands an upgraded socket over without an error listener.
    socket.on('error', onClientSocketError);
    socket.once('close', onClientSocketClose);
    this.core.requestHeaders.rewrite(req, request, true);

    const pick = request.peers.pick(undefined);
    if (!pick.ok) {
      this.phase = 'done';
      this.core.errors.writeRaw(socket, pickFailureKind(pick.reason), request.requestId);
      return;
    }
    const peer = pick.peer;
    this.peer = peer;
    this.phase = 'connecting';
    const hostHeader = request.hostHeader ?? this.core.hostHeaderFor(peer, request.peers.hostHeader);
    req.headers.host = hostHeader;
    const options = this.core.attemptOptions(peer, hostHeader, undefined);
    request.peers.started(peer);
    this.attemptOpen = true;
    this.dispatchedAt = process.hrtime.bigint();
    const url = req.url;
    req.url = request.upstreamPath;
    try {
      this.core.server.ws(req, socket, this.head, options);
    } catch {
      this.closeAttempt(CANCELLED);
      this.phase = 'done';
      this.core.errors.writeRaw(socket, 'unexpected', request.requestId);
    } finally {
      req.url = url;
    }
  }

  /** http-proxy created the upstream handshake request (it has no socket yet). */
  onProxyReq(proxyReq: ClientRequest): void {
    if (this.phase === 'done') {
      proxyReq.destroy();
      return;
    }
    this.proxyReq = proxyReq;
    tag(proxyReq, this);
    proxyReq.once('socket', onUpstreamSocket);
    // Registered before http-proxy's own listeners, so the headers are rewritten before it writes them.
    proxyReq.once('upgrade', onUpstreamUpgrade);
    proxyReq.once('response', onUpstreamResponse);
  }

  socketAssigned(proxyReq: ClientRequest, socket: Socket): void {
    if (this.isCurrent(proxyReq) && this.phase !== 'done') this.attachSocket(proxyReq, socket);
  }

  upgraded(proxyRes: IncomingMessage, upstreamSocket: Socket): void {
    this.answered(proxyRes, true);
    this.tunnel = upstreamSocket;
    tag(upstreamSocket, this);
  }

  /** The upstream refused the upgrade with a plain answer, which http-proxy relays raw and then closes. */
  refused(proxyRes: IncomingMessage): void {
    this.answered(proxyRes, false);
    proxyRes.headers.connection = 'close';
  }

  /** http-proxy's `open`: the tunnel is up; nginx closes it after `read_timeout` without traffic. */
  opened(upstreamSocket: Socket): void {
    upstreamSocket.setTimeout(this.settings.readTimeoutMs);
    upstreamSocket.on('timeout', onTunnelIdle);
  }

  onError(error: Error): void {
    if (this.phase === 'done' || this.responded) return;
    const timeout = error instanceof UpstreamTimeoutError;
    this.closeAttempt(timeout ? TIMEOUT : TCP_ERROR);
    this.phase = 'done';
    // http-proxy ends the client socket right after this event.
    this.core.errors.writeRaw(this.socket, timeout ? 'upstream-timeout' : 'bad-gateway', this.request.requestId);
  }

  /** The client socket closed: the tunnel (or the handshake in flight) goes with it. */
  closed(): void {
    if (this.attemptOpen) {
      this.closeAttempt(
        this.responded ? { kind: 'response', status: this.status, latencyMs: this.latencyMs } : CANCELLED,
      );
    }
    this.phase = 'done';
    this.proxyReq?.destroy();
    this.tunnel?.destroy();
  }

  idle(): void {
    this.tunnel?.destroy();
    this.socket.destroy();
  }

  private answered(proxyRes: IncomingMessage, switchingProtocols: boolean): void {
    this.responded = true;
    this.phase = 'streaming';
    this.status = proxyRes.statusCode ?? 502;
    this.latencyMs = elapsedMs(this.dispatchedAt, process.hrtime.bigint());
    this.core.responseHeaders.rewrite(
      proxyRes.headers,
      this.request.requestId,
      this.latencyMs,
      elapsedMs(this.request.receivedAt, this.dispatchedAt),
      switchingProtocols,
    );
  }

  private closeAttempt(outcome: AttemptOutcome): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    this.request.peers.finished(this.peer!, outcome);
  }
}

function wsExchangeOf(target: object): WsExchange | undefined {
  const exchange = exchangeOf(target);
  return exchange instanceof WsExchange ? exchange : undefined;
}

function onUpstreamSocket(this: ClientRequest, socket: Socket): void {
  wsExchangeOf(this)?.socketAssigned(this, socket);
}

function onUpstreamUpgrade(this: ClientRequest, proxyRes: IncomingMessage, upstreamSocket: Socket): void {
  wsExchangeOf(this)?.upgraded(proxyRes, upstreamSocket);
}

function onUpstreamResponse(this: ClientRequest, proxyRes: IncomingMessage): void {
  wsExchangeOf(this)?.refused(proxyRes);
}

function onClientSocketError(this: Duplex): void {
  this.destroy();
}

function onClientSocketClose(this: Duplex): void {
  wsExchangeOf(this)?.closed();
}

function onTunnelIdle(this: Socket): void {
  wsExchangeOf(this)?.idle();
}

// http-proxy's events for WebSocket upgrades, routed to their exchange.

export function onProxyReqWsEvent(proxyReq: ClientRequest, req: IncomingMessage): void {
  wsExchangeOf(req)?.onProxyReq(proxyReq);
}

export function onOpenEvent(upstreamSocket: Socket): void {
  wsExchangeOf(upstreamSocket)?.opened(upstreamSocket);
}

export function onWsErrorEvent(error: Error, req: IncomingMessage): void {
  wsExchangeOf(req)?.onError(error);
}
