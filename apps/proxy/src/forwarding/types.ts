import type { IncomingHttpHeaders } from 'node:http';
/** One address the forwarder may connect to: a balancer's resolved target, or a service's fixed host and port. */
export interface UpstreamPeer {
  /** Stable identity of the address; the forwarder puts it in the set of tried peers. */
  readonly key: string;
  /** Hostname (or IP) as configured: the default `Host` header and, through it, the TLS SNI name. */
  readonly host: string;
  /** The IP (or resolvable name) to connect to. */
  readonly address: string;
  readonly port: number;
}

/** Why no peer could be picked; Kong answers 503 to all of them. */
export type PickFailureReason = 'no-healthy' | 'no-targets' | 'dns-error';

export type PeerPick =
  { readonly ok: true; readonly peer: UpstreamPeer } | { readonly ok: false; readonly reason: PickFailureReason };

/**
 * How one attempt to a peer ended.
 * - `response`: the peer answered with a status line; `latencyMs` is dispatch to response headers.
 * - `timeout`: connect, write or read timeout before the response headers.
 * - `tcp-error`: refused, reset, TLS handshake or verification failure before the response headers.
 * - `cancelled`: the client went away (or Gantry failed locally) before the peer answered. Not a health signal:
 *   a balancer only releases the connection it counted in `started`.
 */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly latencyMs: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'tcp-error' }
  | { readonly kind: 'cancelled' };

/**
 * Where the forwarder gets its peers: a balancer (with the request's hash context already bound) or a fixed
 * host:port. Every `started(peer)` is followed by exactly one `finished(peer, outcome)`.
 */
export interface PeerSource {
  /** Synchronous. `tried` holds the keys of the peers that already failed for this request (undefined at first). */
  pick(tried: ReadonlySet<string> | undefined): PeerPick;
  started(peer: UpstreamPeer): void;
  finished(peer: UpstreamPeer, outcome: AttemptOutcome): void;
  /**
   * The upstream's `host_header`, used instead of `peer.host` when the route does not preserve the host
   * (Kong still appends a non-default port).
   */
  readonly hostHeader?: string | null;
}

/** What the gateway hands over for one request. The forwarder keeps a reference for the request's lifetime. */
export interface ForwardRequest {
  /** Sent upstream and downstream as `X-Kong-Request-Id`, and in Kong error bodies. */
  readonly requestId: string;
  /** `process.hrtime.bigint()` when the gateway received the request (start of `X-Kong-Proxy-Latency`). */
  readonly receivedAt: bigint;
  /** Path and query to request upstream, sent as is (already stripped, joined with the service path, escaped). */
  readonly upstreamPath: string;
  /**
   * The `Host` header to send when the route preserves the host (the client's). Null: derived per attempt from
   * the peer (`PeerSource.hostHeader` or `peer.host`, plus `:port` unless it is the scheme's default).
   */
  readonly hostHeader: string | null;
  /** Address of the TCP client (Kong's `realip_remote_addr`); appended to `X-Forwarded-For`. */
  readonly clientAddress: string;
  /** Scheme the client used towards Gantry. */
  readonly scheme: 'http' | 'https';
  /** The client's host without port (Kong's `$host`) for `X-Forwarded-Host`. */
  readonly forwardedHost: string;
  /** The port the client connected to, for `X-Forwarded-Port`. */
  readonly forwardedPort: number;
  /** The request path before any stripping, without the query, for `X-Forwarded-Path`. */
  readonly forwardedPath: string;
  /** The prefix `strip_path` removed (`X-Forwarded-Prefix`), or null when nothing was removed. */
  readonly forwardedPrefix: string | null;
  readonly peers: PeerSource;
  /** The body to send instead of streaming the client's (a plugin read or replaced it). */
  readonly body?: Buffer | null;
  /** Plugins' response phases, for routes that have plugins. */
  readonly responseHooks?: ResponseHooks | null;
}

/**
 * How plugins see an upstream answer before it reaches the client (Kong's header_filter and body_filter).
 */
export interface ResponseHooks {
  /**
   * Called before the status line is written, with the headers the client will get (mutable, lower-case).
   * `mayHaveBody` is false for HEAD requests and bodiless statuses. Returns true to have the whole body buffered
   * and passed to `body` (only honoured when `mayHaveBody`).
   */
  headers(status: number, headers: IncomingHttpHeaders, mayHaveBody: boolean): boolean;
  /** The whole upstream body; returns the body to send (Content-Length is set from it). */
  body(body: Buffer): Buffer;
}

/** The TLS material of a service, resolved by the caller from `ca_certificates` and `client_certificate`. */
export interface ServiceTls {
  /** PEM CA certificates that replace the default trust store when non-empty. */
  readonly caCertificates: readonly string[];
  /** Presented to the upstream for mutual TLS. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string } | null;
}
