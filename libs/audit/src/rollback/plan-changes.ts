import {
  CONFIG_EVENT_SCHEMA_VERSION,
  FOREIGN_KEYS,
  applyEvent,
  checkChanges,
  createChange,
  deleteChange,
  diffStates,
  jsonEqual,
  kindRank,
  updateChange,
  type AppliedChange,
  type Change,
  type ConfigState,
  type Entity,
  type EntityKind,
  type KongError,
} from '@gantry/config';
import { cloneState } from './clone-state';
import { RollbackUnplannableError } from './errors';
import { UNIQUE_RULES, holderOf, uniqueKeyOf } from './unique-rules';

/** A step the planner took that a plain diff would not show, reported as a conflict. */
export type PlanNote =
  | { readonly type: 'cascade'; readonly change: AppliedChange; readonly cause: Change }
  | {
      readonly type: 'freed';
      readonly kind: EntityKind;
      readonly holder: Entity;
      readonly for: Entity;
      readonly how: 'delete' | 'clear';
    };

export interface PlannedChanges {
  /** The changes, in the order one changeset must apply them. */
  readonly changes: Change[];
  readonly notes: PlanNote[];
}

interface Pending {
  readonly kind: EntityKind;
  readonly id: string;
}

type Attempt =
  { readonly ok: true; readonly applied: AppliedChange[] } | { readonly ok: false; readonly error: KongError };

const refKey = (kind: EntityKind, id: string): string => `${kind}\u0000${id}`;

/** Parent-side foreign keys per kind, for "does anything still point at this entity". */
const REFERENCED_BY = new Map<EntityKind, { index: string }[]>();
for (const fk of FOREIGN_KEYS) {
  const list = REFERENCED_BY.get(fk.reference) ?? [];
  list.push({ index: `${fk.kind}.${fk.field}` });
  REFERENCED_BY.set(fk.reference, list);
}

/**
 * The changes that turn `current` into `target`, ordered so that the fold accepts them as one changeset: each
 * change is tried on a scratch copy with the fold itself, and one that the fold refuses now (a parent not created
 * yet, a name still held, a restrict reference still in place) waits for a later round. Creates and updates go
 * first (parents first), so children move back to their old parents before anything is deleted; then deletes
 * (children first) that cascade to nothing the target keeps; then any delete (an entity a cascade removed but the
 * target has is created again). When nothing applies, a unique value is held by an entity that must change too
 * (two services swapping names, a name taken by a parent that still has children): the holder is deleted (when
 * nothing references it) or its clashing field is cleared, and restored later in the same changeset.
 *
 * The result is checked: folding the changes into `current` must give exactly `target`'s entities.
 */
export function planChanges(current: ConfigState, target: ConfigState): PlannedChanges {
  const scratch = cloneState(current);
  const pending = new Map<string, Pending>();
  for (const change of diffStates(current, target))
    pending.set(refKey(change.kind, change.key), { kind: change.kind, id: change.key });
  const changes: Change[] = [];
  const notes: PlanNote[] = [];

  const track = (applied: readonly AppliedChange[], cause: Change): void => {
    for (const a of applied) {
      const k = refKey(a.kind, a.key);
      if (jsonEqual(scratch.entities[a.kind].get(a.key) ?? null, target.entities[a.kind].get(a.key) ?? null)) {
        pending.delete(k);
      } else {
        pending.set(k, { kind: a.kind, id: a.key });
      }
      if (a.cascade === true && target.entities[a.kind].has(a.key)) notes.push({ type: 'cascade', change: a, cause });
    }
  };
  const commit = (change: Change, attempt: Extract<Attempt, { ok: true }>): void => {
    changes.push(change);
    track(attempt.applied, change);
  };

  /** Tries every pending change of the given kind once, in order; true when any applied. */
  const round = (deletes: boolean, allowCascade: boolean): boolean => {
    let progress = false;
    for (const entry of ordered(scratch, target, pending)) {
      const change = changeFor(scratch, target, entry);
      if (change === null) {
        pending.delete(refKey(entry.kind, entry.id));
        continue;
      }
      if ((change.op === 'delete') !== deletes) continue;
      if (deletes && !allowCascade && cascadesToKept(scratch, target, change)) continue;
      const attempt = tryApply(scratch, change);
      if (attempt.ok) {
        commit(change, attempt);
        progress = true;
      }
    }
    return progress;
  };

  const limit = 8 * pending.size + 32;
  for (let step = 0; pending.size > 0; step++) {
    if (step > limit) throw new RollbackUnplannableError(`no order found for ${pending.size} changes`);
    // Creates and updates first, so children move to their old parents before anything is deleted; then deletes
    // that cascade to nothing the target keeps; then any delete; then, stuck, a unique value is freed.
    if (round(false, false) || round(true, false) || round(true, true)) continue;
    if (freeOneHolder(scratch, target, pending, commit, notes)) continue;
    const stuck = [...pending.values()].slice(0, 5).map((p) => `${p.kind} ${p.id}`);
    throw new RollbackUnplannableError(`no change can apply next (${stuck.join(', ')})`);
  }
  const left = diffStates(scratch, target);
  if (left.length > 0) {
    throw new RollbackUnplannableError(`the plan leaves ${left.length} differences (${left[0].kind} ${left[0].key})`);
  }
  return { changes, notes };
}

/** The change that brings one entity of `scratch` to its value in `target`, or null when it already is. */
function changeFor(scratch: ConfigState, target: ConfigState, entry: Pending): Change | null {
  const now = scratch.entities[entry.kind].get(entry.id);
  const want = target.entities[entry.kind].get(entry.id);
  // No `before`: the fold does not read it, and the changeset must fit in one log record.
  if (want === undefined) return now === undefined ? null : deleteChange(entry.kind, entry.id);
  if (now === undefined) return createChange(entry.kind, want);
  return jsonEqual(now, want) ? null : updateChange(entry.kind, null, want);
}

/** Pending entries in the order a round tries them: updates then creates (parents first), deletes (children first). */
function ordered(scratch: ConfigState, target: ConfigState, pending: Map<string, Pending>): Pending[] {
  const phase = (p: Pending): number => {
    const has = scratch.entities[p.kind].has(p.id);
    const wants = target.entities[p.kind].has(p.id);
    return has && wants ? 0 : wants ? 1 : 2;
  };
  const rank = (p: Pending, ph: number): number => (ph === 2 ? -kindRank(p.kind) : kindRank(p.kind));
  return [...pending.values()]
    .map((p) => ({ p, ph: phase(p) }))
    .sort(
      (a, b) => a.ph - b.ph || rank(a.p, a.ph) - rank(b.p, b.ph) || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0),
    )
    .map(({ p }) => p);
}

/** Folds one change into `scratch` if the fold accepts it; a refused change leaves `scratch` as it was. */
function tryApply(scratch: ConfigState, change: Change): Attempt {
  const outcome = applyEvent(scratch, {
    schema_version: CONFIG_EVENT_SCHEMA_VERSION,
    id: 'rollback-plan',
    version: scratch.version + 1,
    type: 'changeset',
    changes: [change],
    actor: '',
    request_id: null,
    source: 'rollback',
    origin_region: '',
    timestamp: 0,
  });
  return outcome.status === 'applied' ? { ok: true, applied: outcome.applied } : { ok: false, error: outcome.error };
}

/** True when folding `change` (a delete) would cascade to an entity the target still has. */
function cascadesToKept(scratch: ConfigState, target: ConfigState, change: Change): boolean {
  const check = checkChanges(scratch, [change]);
  return check.ok && check.applied.some((a) => a.cascade === true && target.entities[a.kind].has(a.key));
}

function isReferenced(state: ConfigState, kind: EntityKind, id: string): boolean {
  return (REFERENCED_BY.get(kind) ?? []).some(({ index }) => (state.refs[index]?.get(id)?.size ?? 0) > 0);
}

/**
 * Breaks a cycle: finds a pending create or update that a unique value blocks, held by another entity that is
 * pending too, and moves that holder out of the way (deleted when nothing references it, otherwise its clashing
 * single fields cleared). Returns false when no such pair exists.
 */
function freeOneHolder(
  scratch: ConfigState,
  target: ConfigState,
  pending: Map<string, Pending>,
  commit: (change: Change, attempt: Extract<Attempt, { ok: true }>) => void,
  notes: PlanNote[],
): boolean {
  for (const entry of ordered(scratch, target, pending)) {
    const want = target.entities[entry.kind].get(entry.id);
    if (want === undefined) continue;
    for (const rule of UNIQUE_RULES[entry.kind]) {
      const key = uniqueKeyOf(rule, want);
      if (key === undefined) continue;
      const holder = holderOf(scratch, rule, key, entry.id);
      if (holder === undefined || !pending.has(refKey(entry.kind, holder.id))) continue;
      const clearable = rule.fields.length === 1 && !rule.foreign[0];
      const how = !isReferenced(scratch, entry.kind, holder.id) || !clearable ? 'delete' : 'clear';
      const change =
        how === 'delete'
          ? deleteChange(entry.kind, holder.id)
          : updateChange(entry.kind, null, { ...holder, [rule.fields[0]]: null });
      const attempt = tryApply(scratch, change);
      if (!attempt.ok) continue;
      commit(change, attempt);
      notes.push({ type: 'freed', kind: entry.kind, holder, for: want, how });
      return true;
    }
  }
  return false;
}
