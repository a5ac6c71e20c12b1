import type { Entity } from '@gantry/config';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { AttemptOptions, ForwarderCore, ProxyServer } from './forwarder-core';
import { type ForwarderOptions, resolveForwarderOptions } from './forwarder-options';
import { HttpExchange, onEconnresetEvent, onHttpErrorEvent, onProxyReqEvent, onProxyResEvent } from './http-exchange';
import type { KongErrors } from './kong-errors';
import { RequestHeaderRewriter } from './request-headers';
import { ResponseHeaderRewriter } from './response-headers';
import { type ServiceSettings, readServiceSettings } from './service-settings';
import type { ForwardRequest, ServiceTls, UpstreamPeer } from './types';
import { UpstreamPool } from './upstream-pool';
import { identityCheckWithDepth, serverNameFor } from './upstream-tls';
import { WsExchange, onOpenEvent, onProxyReqWsEvent, onWsErrorEvent } from './ws-exchange';

/**
 * The compiled forwarding engine of one Kong service, built when the service changes and reused by every
 * request: keep-alive pools, the http-proxy server (created through http-proxy-middleware), and every option
 * that does not depend on the request. `forward` and `upgrade` never throw: failures become Kong's 502/503/504.
 */
export class ServiceForwarder implements ForwarderCore {
  readonly settings: ServiceSettings;
  readonly errors: KongErrors;
  readonly requestHeaders: RequestHeaderRewriter;
  readonly responseHeaders: ResponseHeaderRewriter;
  readonly retryBodyLimitBytes: number;
  readonly server: ProxyServer;
  private readonly pool: UpstreamPool;
  private readonly checkServerIdentity: ReturnType<typeof identityCheckWithDepth> | undefined;
  private destroyed = false;

  constructor(service: Entity, tls: ServiceTls, options: ForwarderOptions) {
    const resolved = resolveForwarderOptions(options);
    this.settings = readServiceSettings(service, resolved.tlsVerifyDefault);
    this.errors = resolved.errors;
    this.requestHeaders = new RequestHeaderRewriter(resolved.serverToken, resolved.trustedProxies);
    this.responseHeaders = new ResponseHeaderRewriter(resolved.serverToken);
    this.retryBodyLimitBytes = resolved.retryBodyLimitBytes;
    const https = this.settings.protocol === 'https';
    this.pool = new UpstreamPool({
      protocol: this.settings.protocol,
      maxIdleSocketsPerPeer: resolved.maxIdleSocketsPerPeer,
      idleSocketTimeoutMs: resolved.idleSocketTimeoutMs,
      clientCertificate: https ? (tls.clientCertificate ?? null) : null,
    });
    this.checkServerIdentity =
      https && this.settings.tlsVerify ? identityCheckWithDepth(this.settings.tlsVerifyDepth) : undefined;
    this.server = this.createServer(https ? tls.caCertificates : []);
  }

  /** Proxies one request to the service. The gateway must not touch `res` afterwards. */
  forward(req: IncomingMessage, res: ServerResponse, request: ForwardRequest): void {
    if (this.destroyed) {
      this.errors.write(res, 'unexpected', request.requestId);
      return;
    }
    new HttpExchange(this, req, res, request).start();
  }

  /** Proxies a WebSocket handshake (from the server's `upgrade` event) and then the tunnel. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, request: ForwardRequest): void {
    if (this.destroyed) {
      this.errors.writeRaw(socket, 'unexpected', request.requestId);
      return;
    }
    new WsExchange(this, req, socket, head, request).start();
  }

  /** Upstream connections of this service: carrying a request, or idle in the keep-alive pool. */
  connections(): { active: number; idle: number } {
    return this.pool.stats();
  }

  /**
   * Retires the forwarder (its service changed or went away) without cutting anything: requests in flight
   * finish, and requests routed before the change (an async plugin may still hold this forwarder) are still
   * forwarded. Idle upstream connections close now, busy ones as their request ends, and none is kept any
   * more. WebSocket tunnels already open end on their own.
   */
  close(): void {
    this.pool.close();
  }

  /** Closes every upstream connection at once; requests in flight fail and later ones answer 500 (shutdown). */
  destroy(): void {
    this.destroyed = true;
    this.pool.destroy();
  }

  hostHeaderFor(peer: UpstreamPeer, upstreamHostHeader: string | null | undefined): string {
    return this.pool.hostHeaderFor(peer, upstreamHostHeader);
  }

  attemptOptions(peer: UpstreamPeer, hostHeader: string, body: Readable | undefined): AttemptOptions {
    const target = this.pool.targetFor(peer);
    if (this.settings.protocol === 'http') return body === undefined ? { target } : { target, buffer: body };
    // http-proxy builds the upstream request options on top of `ssl`, so TLS fields that depend on the
    // attempt go there. The servername is also part of the agent's pool key.
    const ssl =
      this.checkServerIdentity === undefined
        ? { servername: serverNameFor(hostHeader) }
        : { servername: serverNameFor(hostHeader), checkServerIdentity: this.checkServerIdentity };
    return body === undefined ? { target, ssl } : { target, ssl, buffer: body };
  }

  private createServer(caCertificates: readonly string[]): ProxyServer {
    let server: ProxyServer | undefined;
    const baseOptions: AttemptOptions = {
      agent: this.pool.agent,
      // The path is `req.url` as given (the upstream path), with no url.parse on the hot path.
      toProxy: true,
      prependPath: false,
      // Headers are rewritten once on `req.headers`; the response head is written by the exchange.
      xfwd: false,
      changeOrigin: false,
      selfHandleResponse: true,
      secure: this.settings.tlsVerify,
      ...(caCertificates.length > 0 ? { ca: caCertificates as unknown as string } : {}),
    };
    // http-proxy-middleware builds the http-proxy server and hands it to its plugins; requests then go
    // through `server.web`/`server.ws` directly, because every attempt picks its own peer, and the middleware's
    // per-request path (async routing, url.parse path filter, options copy) is work this hot path avoids.
    createProxyMiddleware({
      router: middlewareNotUsed,
      ejectPlugins: true,
      plugins: [
        (proxyServer) => {
          server = proxyServer;
        },
      ],
    });
    if (server === undefined) throw new Error('http-proxy-middleware did not run its plugins');
    configureServer(server, baseOptions);
    return server;
  }
}

/** HPM insists on a target or router; its request handler is never called (see `createServer`). */
function middlewareNotUsed(): never {
  throw new Error('ServiceForwarder dispatches through forward() and upgrade(), not the middleware');
}

/** Global options, the web passes kept, and the event routing of the http-proxy server. */
function configureServer(server: ProxyServer, baseOptions: AttemptOptions): void {
  // The options object given to http-proxy's constructor is the base of every web()/ws() call.
  Object.assign((server as unknown as { options: AttemptOptions }).options, baseOptions);
  // Only the `stream` pass: `deleteLength` would turn a chunked DELETE or OPTIONS body into `Content-Length: 0`
  // followed by the body (a desync), and the timeout and X-Forwarded passes are done here, Kong's way.
  const internals = server as unknown as { webPasses: Array<{ name: string }> };
  internals.webPasses = internals.webPasses.filter((pass) => pass.name === 'stream');
  server.on('proxyReq', onProxyReqEvent);
  server.on('proxyRes', onProxyResEvent);
  server.on('econnreset', onEconnresetEvent);
  server.on('proxyReqWs', onProxyReqWsEvent);
  server.on('open', onOpenEvent);
  server.on('error', (error: Error, req: IncomingMessage) => {
    onHttpErrorEvent(error, req);
    onWsErrorEvent(error, req);
  });
}
