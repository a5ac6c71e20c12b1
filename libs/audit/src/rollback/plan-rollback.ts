import { diffStates, type Change, type ChangeOp, type ConfigState, type EntityKind } from '@gantry/config';
import { entityLabel } from '../diff/entity-label';
import { diffConfigStates, type StateDiff } from '../diff/state-diff';
import { explainConflicts, type RollbackConflict } from './conflicts';
import { planChanges } from './plan-changes';

/** One change of the plan as a response shows it: no entity, so no secret. */
export interface RollbackStep {
  readonly op: ChangeOp;
  readonly kind: EntityKind;
  readonly id: string;
  /** The entity's name (see `entityLabel`), or null. */
  readonly name: string | null;
}

/** What a rollback does: the changes of its one changeset, the diff they make, and the conflicts resolved. */
export interface RollbackPlan {
  /** In the order the changeset applies them. They hold real secret values: never put them in a response. */
  readonly changes: Change[];
  /** `changes` for responses. */
  readonly steps: RollbackStep[];
  /** From the current state to the target, redacted. */
  readonly diff: StateDiff;
  readonly conflicts: RollbackConflict[];
}

/**
 * Plans the rollback of `current` to `target`, the state at version `to`. Pure: neither state is modified. Throws
 * `RollbackUnplannableError` when no order of changes is found that the fold accepts as one changeset.
 */
export function planRollback(current: ConfigState, target: ConfigState, to: number): RollbackPlan {
  const { changes, notes } = planChanges(current, target);
  const reverted = diffStates(current, target);
  const steps = changes.map(({ op, kind, key, after }) => ({
    op,
    kind,
    id: key,
    name: entityLabel(kind, after ?? current.entities[kind].get(key) ?? null),
  }));
  return {
    changes,
    steps,
    diff: diffConfigStates(current, target),
    conflicts: explainConflicts(current, target, reverted, notes, to),
  };
}
