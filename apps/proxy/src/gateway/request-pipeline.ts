import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { BalancerContext } from '@gantry/balancer';
import type { Logger } from '@gantry/logging';
import { PluginRequest, type PluginChain } from '@gantry/plugins';
import { escapeUpstreamPath, upstreamPath, type RequestFacts, type RouteMatch } from '@gantry/router';
import type { ForwardRequest, KongErrors, TrustedProxies } from '../forwarding';
import type { DataPlane } from '../data-plane/data-plane';
import type { CompiledService } from '../data-plane/compiled-service';
import type { ProxyMetrics, RouteMeters } from '../status/proxy-metrics';
import { PluginExchange } from './plugin-exchange';
import { BalancedPeers } from './balanced-peers';
import { RequestIds } from './request-id';

const NO_SERVICE_BODY = (requestId: string): string =>
  `{"message":"no Service found with those values","request_id":"${requestId}"}`;

/** What one request carries from routing to its `finish` event, for metrics. */
interface InFlight {
  readonly receivedAt: bigint;
  readonly meters: RouteMeters | undefined;
}

const IN_FLIGHT = Symbol('gantry.inFlight');
type TrackedResponse = ServerResponse & { [IN_FLIGHT]?: InFlight };

export interface PipelineCounters {
  total: number;
}

export interface PipelineOptions {
  /** A response header carrying the config version that served the request (`GANTRY_PROXY_CONFIG_VERSION_HEADER`). */
  readonly configVersionHeader?: string | null;
}

/** A request the router matched to a service, before plugins and planning. */
interface Routed {
  readonly match: RouteMatch;
  readonly service: CompiledService;
  readonly path: string;
  /** The query with its `?`, or ''. */
  readonly query: string;
  readonly hostHeader: string;
  readonly clientAddress: string;
  readonly scheme: 'http' | 'https';
  readonly localPort: number;
  /** The config version whose router matched the request (and whose plugin chain runs on it). */
  readonly configVersion: number;
}

type Unrouted = 'no-route' | 'bad-request' | 'https-required' | 'no-service' | 'redirected';

/**
 * The gateway's request path, outside Nest: route, pick the service, run the route's compiled plugin chain (when
 * it has one), compute the upstream path and Host, then hand over to the service's forwarder. Everything per
 * route and per service was compiled when config changed.
 */
export class RequestPipeline {
  private readonly ids = new RequestIds();
  private readonly meters = new Map<string, RouteMeters>();
  readonly counters: PipelineCounters = { total: 0 };

  constructor(
    private readonly plane: DataPlane,
    private readonly errors: KongErrors,
    private readonly trusted: TrustedProxies,
    private readonly metrics: ProxyMetrics,
    private readonly logger: Logger,
    private readonly serverToken: string,
    private readonly options: PipelineOptions = {},
  ) {
    // Labels follow names: a renamed route or service gets fresh meters.
    plane.onVersion(() => this.meters.clear());
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = process.hrtime.bigint();
    const requestId = this.ids.take();
    this.counters.total++;
    try {
      const rewrite = this.plane.plugins.rewrite();
      if (rewrite === null) this.route(req, res, requestId, receivedAt, null);
      else this.rewriteThenRoute(rewrite, req, res, requestId, receivedAt);
    } catch (error) {
      this.logger.error({ err: error, requestId }, 'request failed inside the gateway');
      if (!res.headersSent) this.errors.write(res, 'unexpected', requestId);
      else res.destroy();
    }
  };

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const receivedAt = process.hrtime.bigint();
    const requestId = this.ids.take();
    this.counters.total++;
    try {
      const found = this.resolve(req, undefined, requestId, this.plane.version);
      if (typeof found === 'string') {
        // Without a response object there is no redirect: an upgrade that needs https gets the 426.
        const kind = found === 'no-service' ? 'no-peer' : found === 'redirected' ? 'https-required' : found;
        this.errors.writeRaw(socket, kind, requestId);
        return;
      }
      const chain = this.plane.plugins.chainFor(found.match.route.id, found.match.route.serviceId);
      if (chain === null) {
        found.service.forwarder.upgrade(req, socket, head, this.plan(req, null, found, requestId, receivedAt, null));
        return;
      }
      const exchange = new PluginExchange(
        this.pluginRequest(req, null, found, requestId, receivedAt),
        chain,
        this.serverToken,
        this.logger,
      );
      const proceed = (): void => {
        if (exchange.kong.exited !== null) {
          exchange.writeRawExit(socket);
          return;
        }
        if (socket.destroyed) return;
        const request = this.plan(req, null, found, requestId, receivedAt, exchange);
        found.service.forwarder.upgrade(req, socket, head, request);
      };
      this.runAccess(exchange, proceed);
    } catch (error) {
      this.logger.error({ err: error, requestId }, 'upgrade failed inside the gateway');
      this.errors.writeRaw(socket, 'unexpected', requestId);
    }
  };

  /** Global rewrite-phase plugins run before the router, on a request no route is bound to yet. */
  private rewriteThenRoute(
    rewrite: PluginChain,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: bigint,
  ): void {
    const kong = this.unboundRequest(req, res, requestId, receivedAt);
    // Until it is routed, the request is served by the global rewrite chain of the version in force now.
    this.stampVersion(kong, res, this.plane.version);
    const exchange = new PluginExchange(kong, rewrite, this.serverToken, this.logger);
    const proceed = (): void => {
      if (kong.exited !== null) exchange.writeExit(res);
      else if (!res.destroyed) this.route(req, res, requestId, receivedAt, kong);
    };
    let pending: void | Promise<void> = undefined;
    try {
      pending = rewrite.rewrite(kong);
    } catch (error) {
      exchange.failed(error);
    }
    if (pending === undefined) proceed();
    else pending.then(proceed, (error: unknown) => (exchange.failed(error), proceed()));
  }

  private route(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: bigint,
    rewritten: PluginRequest | null,
  ): void {
    // Read where the router is used: config events apply between requests, so this is the version whose router
    // and plugin chains serve this request, even if another one is applied while it is in flight.
    const configVersion = this.plane.version;
    const found = this.resolve(req, res, requestId, configVersion);
    if (typeof found === 'string') {
      // Kong runs global plugins' log phase on answers no route produced (404, 400, 426, 503).
      const global = this.plane.plugins.unrouted();
      if (global !== null && global.has.log) {
        this.logUnrouted(global, req, res, requestId, receivedAt, rewritten, configVersion);
      }
      if (found === 'no-service') this.writeNoService(res, requestId);
      else if (found !== 'redirected') this.errors.write(res, found, requestId);
      return;
    }
    const chain = this.plane.plugins.chainFor(found.match.route.id, found.match.route.serviceId);
    if (chain === null) {
      this.forward(req, res, found, requestId, receivedAt, null);
      return;
    }
    const kong = rewritten ?? this.pluginRequest(req, res, found, requestId, receivedAt);
    if (rewritten !== null) {
      const upstream = this.upstreamPathOf(found);
      rewritten.bindRoute(found.match.route.entity, found.service.entity, found.match.captures, upstream);
      rewritten.configVersion = configVersion;
    }
    const exchange = new PluginExchange(kong, chain, this.serverToken, this.logger);
    res.once('close', () => exchange.finished(res));
    this.runAccess(exchange, () => {
      if (kong.exited !== null) exchange.writeExit(res);
      else if (!res.destroyed) this.forward(req, res, found, requestId, receivedAt, exchange);
    });
  }

  private logUnrouted(
    global: PluginChain,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: bigint,
    rewritten: PluginRequest | null,
    configVersion: number,
  ): void {
    const kong = rewritten ?? this.unboundRequest(req, res, requestId, receivedAt);
    kong.configVersion = configVersion;
    const exchange = new PluginExchange(kong, global, this.serverToken, this.logger);
    res.once('close', () => exchange.finished(res));
  }

  /** Runs the access phase; `proceed` runs after it (synchronously when every handler was synchronous). */
  private runAccess(exchange: PluginExchange, proceed: () => void): void {
    let pending: void | Promise<void> = undefined;
    try {
      pending = exchange.chain.access(exchange.kong);
    } catch (error) {
      exchange.failed(error);
    }
    if (pending === undefined) {
      proceed();
      return;
    }
    pending.then(proceed, (error: unknown) => {
      exchange.failed(error);
      proceed();
    });
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    found: Routed,
    requestId: string,
    receivedAt: bigint,
    exchange: PluginExchange | null,
  ): void {
    const request = this.plan(req, res, found, requestId, receivedAt, exchange);
    exchange?.forwarding();
    const tracked = res as TrackedResponse;
    tracked[IN_FLIGHT] = { receivedAt, meters: this.metersFor(found.match, found.service) };
    res.once('finish', onFinish);
    found.service.forwarder.forward(req, res, request);
  }

  /** Routing shared by plain requests and upgrades; a string names the answer instead. */
  private resolve(
    req: IncomingMessage,
    res: ServerResponse | undefined,
    requestId: string,
    configVersion: number,
  ): Routed | Unrouted {
    const header = this.options.configVersionHeader;
    // Set before any answer is written, so errors and redirects carry it too; a plugin's own header wins.
    if (header && res !== undefined) res.setHeader(header, String(configVersion));
    const url = req.url ?? '/';
    if (url.charCodeAt(0) !== 47 /* '/' */) return url === '*' ? 'no-route' : 'bad-request';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const hostHeader = req.headers.host ?? '';
    const socket = req.socket as TLSSocket;
    const clientAddress = socket.remoteAddress ?? '';
    const scheme = this.schemeOf(req, socket, clientAddress);
    const router = this.plane.router;
    const facts: RequestFacts = {
      method: req.method ?? 'GET',
      host: hostHeader,
      path,
      // Kong matches each value of a repeated header; the per-value view costs an object, so only when needed.
      headers: router.matchesHeaders ? req.headersDistinct : req.headers,
      scheme,
      sni: socket.encrypted ? socket.servername || undefined : undefined,
    };
    const match = router.match(facts);
    if (match === null) return 'no-route';
    const route = match.route;
    if (match.httpsRequired) {
      if (route.httpsRedirectStatusCode === 426 || res === undefined) return 'https-required';
      this.redirectToHttps(res, route.httpsRedirectStatusCode, hostHeader, url, requestId);
      return 'redirected';
    }
    const service = route.serviceId === null ? undefined : this.plane.services.get(route.serviceId);
    if (service === undefined) return 'no-service';
    return {
      match,
      service,
      path,
      query: q < 0 ? '' : url.slice(q),
      hostHeader,
      clientAddress,
      scheme,
      localPort: socket.localPort ?? 0,
      configVersion,
    };
  }

  private upstreamPathOf(found: Routed): string {
    return escapeUpstreamPath(upstreamPath(found.match, found.match.normalizedPath, found.service.path));
  }

  private pluginRequest(
    req: IncomingMessage,
    res: ServerResponse | null,
    found: Routed,
    requestId: string,
    receivedAt: bigint,
  ): PluginRequest {
    return new PluginRequest({
      requestId,
      receivedAt,
      req,
      res,
      path: found.path,
      rawQuery: found.query.length > 0 ? found.query.slice(1) : '',
      clientIp: found.clientAddress,
      scheme: found.scheme,
      host: hostWithoutPort(found.hostHeader),
      port: found.localPort,
      route: found.match.route.entity,
      service: found.service.entity,
      captures: found.match.captures,
      upstreamPath: this.upstreamPathOf(found),
      configVersion: found.configVersion,
    });
  }

  /** What the forwarder needs, with whatever the plugins changed (path, query, method, Host, body, consumer). */
  private plan(
    req: IncomingMessage,
    res: ServerResponse | null,
    found: Routed,
    requestId: string,
    receivedAt: bigint,
    exchange: PluginExchange | null,
  ): ForwardRequest {
    const { match, service, path, query, hostHeader } = found;
    const route = match.route;
    const kong = exchange?.kong;
    let upstream: string;
    let clientHost = hostHeader;
    let forceHost = false;
    if (kong === undefined) {
      upstream = this.upstreamPathOf(found) + query;
    } else {
      upstream = kong.upstreamQuery === '' ? kong.upstreamPath : `${kong.upstreamPath}?${kong.upstreamQuery}`;
      if (kong.upstreamMethod !== kong.method) req.method = kong.upstreamMethod;
      // A plugin that set Host (request-transformer) chooses the upstream's Host header, as in Kong.
      const host = req.headers.host;
      if (host !== undefined && host !== hostHeader) {
        clientHost = host;
        forceHost = true;
      }
    }
    const stripped = route.stripPath && match.prefixLength > 0;
    const balancer = this.plane.balancers.byName(service.host) ?? service.direct();
    const context: BalancerContext = {
      clientIp: found.clientAddress,
      headers: req.headers,
      path,
      query: query.length > 0 ? query.slice(1) : '',
      consumerId: kong?.consumer?.id ?? null,
      uriCaptures: match.captures,
    };
    return {
      requestId,
      receivedAt,
      upstreamPath: upstream,
      hostHeader: (forceHost || route.preserveHost) && clientHost !== '' ? clientHost : null,
      clientAddress: found.clientAddress,
      scheme: found.scheme,
      forwardedHost: hostWithoutPort(hostHeader),
      forwardedPort: found.localPort,
      forwardedPath: path,
      forwardedPrefix: stripped ? match.normalizedPath.slice(0, match.prefixLength) : null,
      peers: new BalancedPeers(balancer, context, res ?? undefined),
      body: kong?.upstreamBody ?? null,
      responseHooks: exchange,
    };
  }

  /** A plugin request no route is bound to (yet): the global rewrite phase, or an answer no route gave. */
  private unboundRequest(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: bigint,
  ): PluginRequest {
    const socket = req.socket as TLSSocket;
    const clientIp = socket.remoteAddress ?? '';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    return new PluginRequest({
      requestId,
      receivedAt,
      req,
      res,
      path,
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      clientIp,
      scheme: this.schemeOf(req, socket, clientIp),
      host: hostWithoutPort(req.headers.host ?? ''),
      port: socket.localPort ?? 0,
      route: null,
      service: null,
      captures: null,
      upstreamPath: path,
    });
  }

  /** Stamps a request that has no route yet with the version in force (log record and response header). */
  private stampVersion(kong: PluginRequest, res: ServerResponse, configVersion: number): void {
    kong.configVersion = configVersion;
    const header = this.options.configVersionHeader;
    if (header) res.setHeader(header, String(configVersion));
  }

  private schemeOf(req: IncomingMessage, socket: TLSSocket, clientAddress: string): 'http' | 'https' {
    if (socket.encrypted) return 'https';
    const forwarded = req.headers['x-forwarded-proto'];
    if (forwarded === 'https' && this.trusted.contains(clientAddress)) return 'https';
    return 'http';
  }

  private metersFor(match: RouteMatch, service: CompiledService): RouteMeters {
    const route = match.route;
    let meters = this.meters.get(route.id);
    if (meters === undefined) {
      meters = this.metrics.routeMeters(service.label, route.name ?? route.id);
      this.meters.set(route.id, meters);
    }
    return meters;
  }

  private redirectToHttps(res: ServerResponse, status: number, host: string, url: string, requestId: string): void {
    const body = `{"message":"Moved","request_id":"${requestId}"}`;
    res.writeHead(status, {
      location: `https://${hostWithoutPort(host)}${url}`,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-kong-request-id': requestId,
    });
    res.end(body);
  }

  private writeNoService(res: ServerResponse, requestId: string): void {
    const body = NO_SERVICE_BODY(requestId);
    res.writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-kong-request-id': requestId,
    });
    res.end(body);
  }
}

function onFinish(this: TrackedResponse): void {
  const inFlight = this[IN_FLIGHT];
  if (inFlight === undefined || inFlight.meters === undefined) return;
  const meters = inFlight.meters;
  meters.count(this.statusCode);
  meters.requestLatency.observe(Number(process.hrtime.bigint() - inFlight.receivedAt) / 1e6);
  const upstream = Number(this.getHeader('x-kong-upstream-latency'));
  if (Number.isFinite(upstream) && upstream >= 0) meters.upstreamLatency.observe(upstream);
}

function hostWithoutPort(host: string): string {
  if (host.charCodeAt(0) === 91 /* '[' */) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1).toLowerCase();
  }
  const colon = host.indexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}
