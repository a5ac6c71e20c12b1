import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DiscoveryRunner } from '../runner/discovery-runner';

/** The highest of a Consul watcher's blocking indexes (one per watched endpoint). */
function highestIndex(status: object | null): number | undefined {
  const indexes = (status as { indexes?: unknown } | null)?.indexes;
  if (typeof indexes !== 'object' || indexes === null) return undefined;
  const values = Object.values(indexes).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? undefined : Math.max(...values);
}

/** A number from a watcher's status, if it has one under `key`. */
function numberOf(status: object | null, key: string): number | undefined {
  const value = (status as Record<string, unknown> | null)?.[key];
  // Kubernetes resourceVersions are strings of digits.
  const n = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * `/metrics` of the discovery app, read from the runner at scrape time: leadership, and per source whether it
 * runs, its reconciler's events, failures and held upstreams, and when it last synced.
 */
export class DiscoveryMetrics {
  readonly registry = new Registry();

  constructor(runner: DiscoveryRunner) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'gantry_discovery_process_' });
    new Gauge({
      name: 'gantry_discovery_leader',
      help: '1 while this process holds the discovery lease and runs the sources',
      registers,
      collect() {
        this.set(runner.isLeader ? 1 : 0);
      },
    });
    const perSource = (
      name: string,
      help: string,
      read: (s: ReturnType<DiscoveryRunner['state']>['sources'][number]) => number | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['source'],
        registers,
        collect() {
          this.reset();
          for (const source of runner.state().sources) {
            const value = read(source);
            if (value !== undefined) this.set({ source: source.id }, value);
          }
        },
      });
    perSource('gantry_discovery_source_running', '1 while the source watches its registry', (s) => (s.running ? 1 : 0));
    perSource(
      'gantry_discovery_events_written',
      'Config events the source has appended',
      (s) => s.reconciler?.eventsWritten,
    );
    perSource(
      'gantry_discovery_consecutive_failures',
      'Failed appends since the last success',
      (s) => s.reconciler?.consecutiveFailures,
    );
    perSource(
      'gantry_discovery_held_upstreams',
      'Upstreams whose removal the empty-payload grace holds',
      (s) => s.reconciler?.held.length,
    );
    perSource('gantry_discovery_desired_targets', 'Targets the source wants', (s) => s.reconciler?.desiredTargets);
    perSource('gantry_discovery_last_sync_seconds', 'When the source last reconciled successfully (epoch s)', (s) =>
      s.reconciler?.lastSyncedAt == null ? undefined : s.reconciler.lastSyncedAt / 1000,
    );
    perSource(
      'gantry_discovery_last_index',
      'Consul index or Kubernetes resourceVersion the watcher is at',
      (s) => highestIndex(s.watcher) ?? numberOf(s.watcher, 'resourceVersion'),
    );
  }
}
