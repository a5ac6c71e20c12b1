import type { DiscoveryState, SourceState } from '../runner/discovery-runner';

/** What `/health` says about discovery: a standby is healthy; a leader is healthy when every source is synced. */
export interface DiscoveryHealth {
  readonly up: boolean;
  readonly details: Record<string, unknown>;
}

interface WatcherView {
  readonly synced?: boolean;
  readonly lastError?: { readonly code?: string; readonly message?: string } | string | null;
}

function sourceProblem(source: SourceState): string | null {
  if (!source.running) return 'not running';
  const watcher = (source.watcher ?? {}) as WatcherView;
  if (watcher.synced === false) {
    const error = watcher.lastError;
    const reason = typeof error === 'string' ? error : (error?.message ?? error?.code);
    return reason ? `not synced: ${reason}` : 'not synced yet';
  }
  const reconciler = source.reconciler;
  if (reconciler?.phase === 'stalled') return `writes stalled: ${reconciler.lastError ?? 'unknown error'}`;
  return null;
}

/**
 * A standby process is up (it has nothing to sync; the lease decides whether it ever will). The leader is up
 * when each source runs, has handed a full resync to its reconciler with no watch failing since, and its
 * reconciler is not stalled on the log; otherwise down, naming each source and why.
 */
export function discoveryHealth(state: DiscoveryState): DiscoveryHealth {
  if (!state.leader) return { up: true, details: { role: 'standby', sources: state.sources.length } };
  const problems: string[] = [];
  const sources: Record<string, string> = {};
  for (const source of state.sources) {
    const problem = sourceProblem(source);
    sources[source.id] = problem ?? 'synced';
    if (problem !== null) problems.push(`${source.id} ${problem}`);
  }
  const details = { role: 'leader', sources };
  return problems.length === 0
    ? { up: true, details }
    : { up: false, details: { ...details, message: problems.join('; ') } };
}
