import type { IncomingHttpHeaders, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { removeConnectionListed } from './hop-by-hop';

/**
 * Rewrites an upstream response's headers, in place, into what the client receives: hop-by-hop headers removed
 * (Node frames the body again), Kong's `Via`, latency and request id headers added. The upstream's `Server` and
 * `Date` are kept; `Server` is only added when the upstream sent none, as Kong does.
 */
export class ResponseHeaderRewriter {
  private readonly via: string;

  constructor(private readonly serverToken: string) {
    this.via = `1.1 ${serverToken}`;
  }

  /**
   * @param switchingProtocols a `101` answer to a WebSocket handshake: its `Connection`/`Upgrade` headers are
   *   the handshake itself and stay.
   */
  rewrite(
    h: IncomingHttpHeaders,
    requestId: string,
    upstreamLatencyMs: number,
    proxyLatencyMs: number,
    switchingProtocols: boolean,
  ): void {
    if (!switchingProtocols) {
      const connection = h.connection;
      if (connection !== undefined) {
        removeConnectionListed(h, connection);
        delete h.connection;
      }
      if (h['keep-alive'] !== undefined) delete h['keep-alive'];
      if (h['proxy-connection'] !== undefined) delete h['proxy-connection'];
      if (h['transfer-encoding'] !== undefined) delete h['transfer-encoding'];
      // Trailers are not relayed, so announcing them would be a lie.
      if (h.trailer !== undefined) delete h.trailer;
      if (h.upgrade !== undefined) delete h.upgrade;
    }
    const upstreamVia = h.via;
    h.via = upstreamVia === undefined ? this.via : `${upstreamVia}, ${this.via}`;
    if (h.server === undefined) h.server = this.serverToken;
    h['x-kong-upstream-latency'] = String(upstreamLatencyMs);
    h['x-kong-proxy-latency'] = String(proxyLatencyMs);
    h['x-kong-request-id'] = requestId;
  }
}

/**
 * Reconciles headers the gateway set on `res` before proxying (plugins, the balancer's hash cookie) with the
 * upstream's, which Node's `writeHead` would otherwise let replace them: the gateway's value wins, except
 * `Set-Cookie`, where both sides' cookies are sent (as Kong appends its balancer cookie).
 */
export function mergePresetHeaders(res: ServerResponse, upstream: IncomingHttpHeaders): void {
  const names = res.getHeaderNames();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const upstreamValue = upstream[name];
    if (upstreamValue === undefined) continue;
    if (name === 'set-cookie') res.setHeader(name, [...asList(upstreamValue), ...asList(res.getHeader(name))]);
    delete upstream[name];
  }
}

function asList(value: OutgoingHttpHeader | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}
