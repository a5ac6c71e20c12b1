import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { BalancerContext } from '@gantry/balancer';
import type { Logger } from '@gantry/logging';
import { escapeUpstreamPath, upstreamPath, type RequestFacts, type RouteMatch } from '@gantry/router';
import type { ForwardRequest, KongErrors, TrustedProxies } from '../forwarding';
import type { DataPlane } from '../data-plane/data-plane';
import type { CompiledService } from '../data-plane/compiled-service';
import type { ProxyMetrics, RouteMeters } from '../status/proxy-metrics';
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

/**
 * The gateway's request path, outside Nest: route, pick the service, compute the upstream path and Host, then
 * hand over to the service's forwarder. Everything per route and per service was compiled when config changed.
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
  ) {
    // Labels follow names: a renamed route or service gets fresh meters.
    plane.onVersion(() => this.meters.clear());
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = process.hrtime.bigint();
    const requestId = this.ids.take();
    this.counters.total++;
    try {
      this.route(req, res, requestId, receivedAt);
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
      const found = this.resolve(req, requestId, receivedAt, undefined);
      if (typeof found === 'string') {
        // Without a response object there is no redirect: an upgrade that needs https gets the 426.
        const kind = found === 'no-service' ? 'no-peer' : found === 'redirected' ? 'https-required' : found;
        this.errors.writeRaw(socket, kind, requestId);
        return;
      }
      found.service.forwarder.upgrade(req, socket, head, found.request);
    } catch (error) {
      this.logger.error({ err: error, requestId }, 'upgrade failed inside the gateway');
      this.errors.writeRaw(socket, 'unexpected', requestId);
    }
  };

  private route(req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: bigint): void {
    const found = this.resolve(req, requestId, receivedAt, res);
    if (typeof found === 'string') {
      if (found === 'no-service') this.writeNoService(res, requestId);
      else if (found !== 'redirected') this.errors.write(res, found, requestId);
      return;
    }
    const tracked = res as TrackedResponse;
    tracked[IN_FLIGHT] = { receivedAt, meters: this.metersFor(found.match, found.service) };
    res.once('finish', onFinish);
    found.service.forwarder.forward(req, res, found.request);
  }

  /** Routing and planning shared by plain requests and upgrades; a string names the answer instead. */
  private resolve(
    req: IncomingMessage,
    requestId: string,
    receivedAt: bigint,
    res: ServerResponse | undefined,
  ):
    | { match: RouteMatch; service: CompiledService; request: ForwardRequest }
    | 'no-route'
    | 'bad-request'
    | 'https-required'
    | 'no-service'
    | 'redirected' {
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
    const query = q < 0 ? '' : url.slice(q);
    const stripped = route.stripPath && match.prefixLength > 0;
    const balancer = this.plane.balancers.byName(service.host) ?? service.direct();
    const context: BalancerContext = {
      clientIp: clientAddress,
      headers: req.headers,
      path,
      query: query.length > 0 ? query.slice(1) : '',
      consumerId: null,
      uriCaptures: match.captures,
    };
    const request: ForwardRequest = {
      requestId,
      receivedAt,
      upstreamPath: escapeUpstreamPath(upstreamPath(match, match.normalizedPath, service.path)) + query,
      hostHeader: route.preserveHost && hostHeader !== '' ? hostHeader : null,
      clientAddress,
      scheme,
      forwardedHost: hostWithoutPort(hostHeader),
      forwardedPort: socket.localPort ?? 0,
      forwardedPath: path,
      forwardedPrefix: stripped ? match.normalizedPath.slice(0, match.prefixLength) : null,
      peers: new BalancedPeers(balancer, context, res),
    };
    return { match, service, request };
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
