import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { UpstreamPeer } from './types';

/** The connection target http-proxy receives: an object, so it never runs `url.parse`. */
export interface ProxyTarget {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly hostname: string;
  readonly port: number;
  readonly cert?: string;
  readonly key?: string;
}

interface CachedTarget {
  readonly address: string;
  readonly port: number;
  readonly target: ProxyTarget;
}

/** Bounds the target cache when DNS keeps handing out new addresses. */
const MAX_CACHED_TARGETS = 4096;

export interface UpstreamPoolSettings {
  readonly protocol: 'http' | 'https';
  readonly maxIdleSocketsPerPeer: number;
  readonly idleSocketTimeoutMs: number;
  readonly clientCertificate: { readonly cert: string; readonly key: string } | null;
}

/**
 * A service's keep-alive connections and the per-peer targets that address them. Node's agent pools sockets
 * per address, port and TLS identity (SNI, verification); `lifo` hands out the most recently used socket, the
 * least likely to have been closed by the upstream meanwhile.
 */
export class UpstreamPool {
  readonly agent: HttpAgent;
  private readonly targets = new Map<string, CachedTarget>();
  private readonly protocol: 'http:' | 'https:';
  private readonly defaultPort: number;

  constructor(private readonly settings: UpstreamPoolSettings) {
    const agentOptions = {
      keepAlive: true,
      // nginx does not cap active upstream connections either; the cap is on idle ones.
      maxSockets: Infinity,
      maxFreeSockets: settings.maxIdleSocketsPerPeer,
      scheduling: 'lifo' as const,
      // Applies to idle pooled sockets only: each request sets its own phase timeouts.
      timeout: settings.idleSocketTimeoutMs,
    };
    this.agent = settings.protocol === 'https' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.protocol = settings.protocol === 'https' ? 'https:' : 'http:';
    this.defaultPort = settings.protocol === 'https' ? 443 : 80;
  }

  targetFor(peer: UpstreamPeer): ProxyTarget {
    const cached = this.targets.get(peer.key);
    if (cached !== undefined && cached.address === peer.address && cached.port === peer.port) return cached.target;
    const certificate = this.settings.clientCertificate;
    const target: ProxyTarget = Object.freeze({
      protocol: this.protocol,
      host: peer.address,
      hostname: peer.address,
      port: peer.port,
      ...(certificate !== null ? { cert: certificate.cert, key: certificate.key } : {}),
    });
    if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
    this.targets.set(peer.key, { address: peer.address, port: peer.port, target });
    return target;
  }

  /** Kong's `Host` for a peer when the route does not preserve the client's: name, plus a non-default port. */
  hostHeaderFor(peer: UpstreamPeer, upstreamHostHeader: string | null | undefined): string {
    const name = upstreamHostHeader ?? peer.host;
    const host = name.includes(':') && name.charCodeAt(0) !== 91 /* [ */ ? `[${name}]` : name;
    return peer.port === this.defaultPort ? host : `${host}:${peer.port}`;
  }

  /** Open connections: carrying a request (`active`) or waiting in the pool (`idle`). */
  stats(): { active: number; idle: number } {
    return { active: countSockets(this.agent.sockets), idle: countSockets(this.agent.freeSockets) };
  }

  /**
   * Drains the pool: idle connections are closed now, busy ones as soon as their request is over (an agent
   * with no room for free sockets destroys what is released to it). Requests in flight, retries included,
   * still complete.
   */
  close(): void {
    this.agent.maxFreeSockets = 0;
    for (const name in this.agent.freeSockets) {
      for (const socket of this.agent.freeSockets[name] ?? []) socket.destroy();
    }
    this.targets.clear();
  }

  /** Closes every connection at once; requests in flight fail. */
  destroy(): void {
    this.agent.destroy();
    this.targets.clear();
  }
}

function countSockets(byName: NodeJS.ReadOnlyDict<unknown[]>): number {
  let total = 0;
  for (const name in byName) total += byName[name]?.length ?? 0;
  return total;
}
