import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { hasToken, removeConnectionListed } from './hop-by-hop';
import type { TrustedProxies } from './trusted-proxies';
import type { ForwardRequest } from './types';

const portTexts = new Map<number, string>();

function portText(port: number): string {
  let text = portTexts.get(port);
  if (text === undefined) {
    text = String(port);
    if (portTexts.size < 64) portTexts.set(port, text);
  }
  return text;
}

/**
 * Rewrites the client's request headers, in place, into what the upstream receives: hop-by-hop headers
 * removed, Kong's `X-Forwarded-*`, `X-Real-IP`, `Via` and `X-Kong-Request-Id` added. http-proxy copies
 * `req.headers` into the upstream request, so mutating them once per request is all the header work there is;
 * only `Host` changes per attempt.
 */
export class RequestHeaderRewriter {
  private readonly via10: string;
  private readonly via11: string;
  private readonly via2: string;

  constructor(
    serverToken: string,
    private readonly trustedProxies: TrustedProxies,
  ) {
    this.via10 = `1.0 ${serverToken}`;
    this.via11 = `1.1 ${serverToken}`;
    this.via2 = `2 ${serverToken}`;
  }

  /** @param websocket keep the `Upgrade` handshake (Kong sends `Connection: keep-alive, Upgrade`). */
  rewrite(req: IncomingMessage, request: ForwardRequest, websocket: boolean): void {
    const h = req.headers;
    stripHopByHop(h, websocket);

    const client = request.clientAddress;
    // Kong appends to X-Forwarded-For whoever the client is; only the other headers depend on trust.
    const forwardedFor = h['x-forwarded-for'];
    h['x-forwarded-for'] = forwardedFor === undefined ? client : `${joined(forwardedFor)}, ${client}`;

    const trusted = this.trustedProxies.contains(client);
    if (!trusted || h['x-forwarded-proto'] === undefined) h['x-forwarded-proto'] = request.scheme;
    if (!trusted || h['x-forwarded-host'] === undefined) h['x-forwarded-host'] = request.forwardedHost;
    if (!trusted || h['x-forwarded-port'] === undefined) h['x-forwarded-port'] = portText(request.forwardedPort);
    if (!trusted || h['x-forwarded-path'] === undefined) h['x-forwarded-path'] = request.forwardedPath;
    if (!trusted || h['x-forwarded-prefix'] === undefined) {
      if (request.forwardedPrefix !== null) h['x-forwarded-prefix'] = request.forwardedPrefix;
      else if (h['x-forwarded-prefix'] !== undefined) delete h['x-forwarded-prefix'];
    }
    // Kong's X-Real-IP is nginx's $remote_addr: the client, or the X-Real-IP a trusted proxy sent.
    if (!trusted || h['x-real-ip'] === undefined) h['x-real-ip'] = client;

    const via = req.httpVersion === '1.1' ? this.via11 : req.httpVersion === '1.0' ? this.via10 : this.via2;
    const incomingVia = h.via;
    h.via = incomingVia === undefined ? via : `${incomingVia}, ${via}`;
    h['x-kong-request-id'] = request.requestId;
  }
}

function joined(value: string | string[]): string {
  return Array.isArray(value) ? value.join(', ') : value;
}

function stripHopByHop(h: IncomingHttpHeaders, websocket: boolean): void {
  const connection = h.connection;
  if (connection !== undefined) {
    removeConnectionListed(h, connection);
    delete h.connection;
  }
  if (h['keep-alive'] !== undefined) delete h['keep-alive'];
  if (h['proxy-connection'] !== undefined) delete h['proxy-connection'];
  // httpoxy: a `Proxy` header must never reach CGI-style upstreams (Kong clears it too).
  if (h.proxy !== undefined) delete h.proxy;
  // Node already answered `100 Continue` to the client, and nginx never forwards Expect either.
  if (h.expect !== undefined) delete h.expect;
  if (h.trailer !== undefined) delete h.trailer;
  const te = h.te;
  if (te !== undefined) {
    // Kong forwards TE only as `trailers`, and only when the client asked for trailers.
    if (hasToken(te, 'trailers')) h.te = 'trailers';
    else delete h.te;
  }
  // Transfer-Encoding stays: it tells Node's client to re-chunk the body it re-frames, for every method.
  if (websocket) {
    // `Upgrade` stays as the client sent it; http-proxy refuses anything but a websocket GET.
    h.connection = 'upgrade';
  } else if (h.upgrade !== undefined) {
    delete h.upgrade;
  }
}
