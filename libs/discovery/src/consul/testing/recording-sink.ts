import type { DesiredTargets, DesiredUpstream } from '../../desired';
import type { ReconcileReport } from '../../report';
import type { DiscoverySink } from '../../source';

const UNCHANGED: ReconcileReport = {
  outcome: 'unchanged',
  events: 0,
  upstreamsCreated: 0,
  targetsCreated: 0,
  targetsUpdated: 0,
  targetsDeleted: 0,
  held: [],
  deferred: 0,
  shadowed: [],
  missingUpstreams: [],
  invalid: [],
};

export interface SinkCall {
  readonly kind: 'resync' | 'update';
  readonly desired: DesiredTargets;
}

/** A sink that records every call and keeps the desired state they add up to, as a reconciler would. */
export class RecordingSink implements DiscoverySink {
  readonly calls: SinkCall[] = [];
  private readonly state = new Map<string, DesiredUpstream>();

  resync(snapshot: DesiredTargets): Promise<ReconcileReport> {
    this.calls.push({ kind: 'resync', desired: snapshot });
    this.state.clear();
    for (const upstream of snapshot.upstreams) this.state.set(upstream.name, upstream);
    return Promise.resolve(UNCHANGED);
  }

  update(delta: DesiredTargets): Promise<ReconcileReport> {
    this.calls.push({ kind: 'update', desired: delta });
    for (const upstream of delta.upstreams) this.state.set(upstream.name, upstream);
    return Promise.resolve(UNCHANGED);
  }

  /** The desired state of an upstream; undefined when no call named it. */
  upstream(name: string): DesiredUpstream | undefined {
    return this.state.get(name);
  }

  /** target → weight of an upstream's desired state. */
  targets(name: string): Record<string, number> {
    return Object.fromEntries((this.state.get(name)?.targets ?? []).map((t) => [t.target, t.weight]));
  }

  count(kind: SinkCall['kind']): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. Tests wait on outcomes, not time. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
