import type { ServerResponse } from 'node:http';
import type { BalancerContext, Peer, UpstreamBalancer } from '@gantry/balancer';
import type { AttemptOutcome, PeerPick, PeerSource, UpstreamPeer } from '../forwarding';

/**
 * One request's view of a balancer: picks with the request's hash context, and passes each attempt's outcome
 * back for least-connections, latency and passive health checks.
 */
export class BalancedPeers implements PeerSource {
  readonly hostHeader: string | null;

  constructor(
    private readonly balancer: UpstreamBalancer,
    private readonly context: BalancerContext,
    /** Undefined for WebSocket upgrades, which have no response to carry a cookie. */
    private readonly res: ServerResponse | undefined,
  ) {
    this.hostHeader = balancer.hostHeader;
  }

  pick(tried: ReadonlySet<string> | undefined): PeerPick {
    const result = this.balancer.pick(this.context, tried);
    if (!result.ok) return result;
    // hash_on=cookie without the cookie: Kong creates one so the client sticks to this peer from now on.
    if (result.setCookie !== null && this.res !== undefined && !this.res.headersSent)
      this.res.appendHeader('set-cookie', result.setCookie);
    return result;
  }

  started(peer: UpstreamPeer): void {
    this.balancer.started(peer as Peer);
  }

  finished(peer: UpstreamPeer, outcome: AttemptOutcome): void {
    if (outcome.kind === 'cancelled') this.balancer.released(peer as Peer);
    else this.balancer.finished(peer as Peer, outcome);
  }
}
