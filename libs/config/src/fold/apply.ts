import type { KongError } from '../errors/kong-error';
import type { Change, ConfigEvent } from '../events/types';
import { applyChange, type AppliedChange } from './mutations';
import { adoptState, buildState, diffStates } from './replace';
import type { ConfigState } from './state';
import { Tx } from './tx';

/** What folding one event did. A rejected event changes nothing but still advances `state.version`. */
export type FoldOutcome =
  | { status: 'applied'; version: number; applied: AppliedChange[] }
  | { status: 'rejected'; version: number; error: KongError; changeIndex: number };

/** Result of checking changes without keeping them. */
export type CheckResult = { ok: true; applied: AppliedChange[] } | { ok: false; error: KongError; changeIndex: number };

/** Why a list of changes did not apply. */
interface Failure {
  error: KongError;
  changeIndex: number;
}

/** Applies `changes` in order through `tx`, reporting them in `applied`; stops at the first that fails. */
function run(state: ConfigState, tx: Tx, changes: readonly Change[], applied: AppliedChange[]): Failure | undefined {
  for (let i = 0; i < changes.length; i++) {
    const error = applyChange(state, tx, changes[i], applied);
    if (error !== undefined) return { error, changeIndex: i };
  }
  return undefined;
}

/**
 * Dry run: would these changes apply atomically to `state` now? Uses the fold's own rules, so a writer can
 * reject before appending what every replica would reject. `state` is left as it was.
 */
export function checkChanges(state: ConfigState, changes: readonly Change[]): CheckResult {
  const tx = new Tx();
  const applied: AppliedChange[] = [];
  const failure = run(state, tx, changes, applied);
  tx.rollback();
  return failure === undefined
    ? { ok: true, applied }
    : { ok: false, error: failure.error, changeIndex: failure.changeIndex };
}

/**
 * Folds one event into `state`, deterministically and atomically: either every change (with its cascades)
 * applies, or none does and the outcome names the failing change with a Kong error. `replace` events swap the
 * whole state for their entities and report the difference. Throws when `event.version` is not
 * `state.version + 1`, since the log guarantees order and anything else is a bug upstream.
 */
export function applyEvent(state: ConfigState, event: ConfigEvent): FoldOutcome {
  const expected = state.version + 1;
  if (event.version !== expected) {
    throw new Error(`config fold: event version ${event.version} is out of order (expected ${expected})`);
  }
  const version = event.version;
  if (event.type === 'replace') {
    const built = buildState(event.changes);
    state.version = version;
    if (!built.ok) return { status: 'rejected', version, error: built.error, changeIndex: built.changeIndex };
    const applied = diffStates(state, built.state);
    adoptState(state, built.state);
    return { status: 'applied', version, applied };
  }
  // The outcome is built here rather than from a `CheckResult`: one object less per event of a long replay.
  const tx = new Tx();
  const applied: AppliedChange[] = [];
  const failure = run(state, tx, event.changes, applied);
  if (failure !== undefined) tx.rollback();
  state.version = version;
  return failure === undefined
    ? { status: 'applied', version, applied }
    : { status: 'rejected', version, error: failure.error, changeIndex: failure.changeIndex };
}
