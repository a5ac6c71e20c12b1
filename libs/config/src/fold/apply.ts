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

function run(state: ConfigState, changes: readonly Change[], keep: boolean): CheckResult {
  const tx = new Tx();
  const applied: AppliedChange[] = [];
  for (let i = 0; i < changes.length; i++) {
    const error = applyChange(state, tx, changes[i], applied);
    if (error !== undefined) {
      tx.rollback();
      return { ok: false, error, changeIndex: i };
    }
  }
  if (!keep) tx.rollback();
  return { ok: true, applied };
}

/**
 * Dry run: would these changes apply atomically to `state` now? Uses the fold's own rules, so a writer can
 * reject before appending what every replica would reject. `state` is left as it was.
 */
export function checkChanges(state: ConfigState, changes: readonly Change[]): CheckResult {
  return run(state, changes, false);
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
  let result: CheckResult;
  if (event.type === 'replace') {
    const built = buildState(event.changes);
    if (built.ok) {
      result = { ok: true, applied: diffStates(state, built.state) };
      adoptState(state, built.state);
    } else {
      result = built;
    }
  } else {
    result = run(state, event.changes, true);
  }
  state.version = event.version;
  return result.ok
    ? { status: 'applied', version: event.version, applied: result.applied }
    : { status: 'rejected', version: event.version, error: result.error, changeIndex: result.changeIndex };
}
