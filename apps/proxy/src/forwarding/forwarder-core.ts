import type { Plugin } from 'http-proxy-middleware';
import type { Readable } from 'node:stream';
import type { KongErrors } from './kong-errors';
import type { RequestHeaderRewriter } from './request-headers';
import type { ResponseHeaderRewriter } from './response-headers';
import type { ServiceSettings } from './service-settings';
import type { UpstreamPeer } from './types';

/** The http-proxy server that http-proxy-middleware hands to its plugins. */
export type ProxyServer = Parameters<Plugin>[0];
export type AttemptOptions = NonNullable<Parameters<ProxyServer['web']>[2]>;

/** What a per-request exchange needs from the service's compiled forwarder. */
export interface ForwarderCore {
  readonly settings: ServiceSettings;
  readonly server: ProxyServer;
  readonly errors: KongErrors;
  readonly requestHeaders: RequestHeaderRewriter;
  readonly responseHeaders: ResponseHeaderRewriter;
  readonly retryBodyLimitBytes: number;
  hostHeaderFor(peer: UpstreamPeer, upstreamHostHeader: string | null | undefined): string;
  /** The per-attempt options: the peer's target, its TLS identity, and the replayed body on a retry. */
  attemptOptions(peer: UpstreamPeer, hostHeader: string, body: Readable | undefined): AttemptOptions;
}

export function elapsedMs(from: bigint, to: bigint): number {
  return Math.round(Number(to - from) / 1e6);
}
