import { CREDENTIAL_KINDS, type AppliedChange, type ConfigState, type Entity, type EntityKind } from '@gantry/config';
import { entityLabel } from '../diff/entity-label';
import { isSecretPath, REDACTED } from '../redact';
import type { PlanNote } from './plan-changes';
import { UNIQUE_RULES, UniqueIndex, uniqueKeyOf, type UniqueRule } from './unique-rules';

/**
 * What a rollback had to resolve beyond a plain diff:
 * - `recreated`: the target's entity holds a unique value (a name, a username, a plugin on a scope) that another
 *   entity, created since, holds now; that one is deleted and the original restored.
 * - `swapped`: two entities that both exist at the target trade unique values; the changeset moves one aside first.
 * - `cascade`: deleting an entity the target lacks removed a child the target has (it hung under a new parent);
 *   the child is created again as it was.
 * - `credentials`: a consumer's credentials change (added ones deleted, deleted ones restored, changed ones
 *   reverted), which decides who the gateway lets in.
 */
export type RollbackConflictKind = 'recreated' | 'swapped' | 'cascade' | 'credentials';

export interface RollbackConflict {
  readonly kind: RollbackConflictKind;
  /** The entity kind concerned. */
  readonly entity: EntityKind;
  /** What clashes as people read it (a name, a username, a plugin and its scope); secrets redacted. */
  readonly name: string;
  /** The id the rollback restores (or, for `credentials`, the consumer's). */
  readonly id: string;
  readonly resolution: string;
}

/** The id a foreign key value (`{ id }`) points at. */
function refId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/** A rule's value for `entity` as people read it, with secret fields redacted. */
function describe(rule: UniqueRule, entity: Entity): string {
  return rule.fields
    .map((field, i) => {
      const raw = entity[field];
      if (raw === null || raw === undefined) return null;
      if (isSecretPath(rule.kind, [field])) return `${field} ${REDACTED}`;
      const value = rule.foreign[i] ? (refId(raw) ?? JSON.stringify(raw)) : raw;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return rule.fields.length === 1 ? text : `${field} ${text}`;
    })
    .filter((part): part is string => part !== null)
    .join(', ');
}

function label(kind: EntityKind, entity: Entity | null | undefined, id: string): string {
  return entityLabel(kind, entity ?? null) ?? id;
}

/** Unique clashes between the entities the rollback restores or reverts and those holding the values now. */
function uniqueClashes(current: ConfigState, target: ConfigState, reverted: readonly AppliedChange[], to: number) {
  const out: RollbackConflict[] = [];
  const seen = new Set<string>();
  const index = new UniqueIndex(current);
  for (const change of reverted) {
    const want = change.after;
    if (want === null || change.op === 'delete') continue;
    for (const rule of UNIQUE_RULES[change.kind]) {
      const key = uniqueKeyOf(rule, want);
      const holder = key === undefined ? undefined : index.holder(rule, key);
      if (holder === undefined || holder === want.id) continue;
      const name = describe(rule, want);
      const dedupe = `${change.kind}\u0000${[holder, want.id].sort().join('\u0000')}\u0000${rule.fields.join()}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      const recreated = !target.entities[change.kind].has(holder);
      out.push({
        kind: recreated ? 'recreated' : 'swapped',
        entity: change.kind,
        name,
        id: want.id,
        resolution: recreated
          ? `${name} was taken by ${change.kind} ${holder}, created after version ${to}; the rollback deletes ` +
            `${holder} and restores ${want.id} as it was at version ${to}`
          : `${name} belongs to ${change.kind} ${holder} now and to ${want.id} at version ${to}; both return to ` +
            `their values at version ${to} in the same changeset`,
      });
    }
  }
  return out;
}

/** One entry per consumer whose credentials the rollback deletes, restores or reverts. */
function credentialChanges(current: ConfigState, target: ConfigState, reverted: readonly AppliedChange[], to: number) {
  const credentialKinds: ReadonlySet<EntityKind> = new Set(CREDENTIAL_KINDS);
  const byConsumer = new Map<string, { removed: string[]; restored: string[]; changed: string[] }>();
  for (const change of reverted) {
    if (!credentialKinds.has(change.kind)) continue;
    const consumer = refId((change.after ?? change.before)?.consumer);
    if (consumer === undefined) continue;
    const entry = byConsumer.get(consumer) ?? { removed: [], restored: [], changed: [] };
    const list = change.op === 'delete' ? entry.removed : change.op === 'create' ? entry.restored : entry.changed;
    list.push(`${change.kind} ${change.key}`);
    byConsumer.set(consumer, entry);
  }
  const out: RollbackConflict[] = [];
  for (const [consumer, { removed, restored, changed }] of byConsumer) {
    const parts: string[] = [];
    if (removed.length > 0) {
      parts.push(`deletes ${removed.join(', ')} (not there at version ${to}): clients presenting them are refused`);
    }
    if (restored.length > 0) parts.push(`restores ${restored.join(', ')} as at version ${to}`);
    if (changed.length > 0) parts.push(`reverts ${changed.join(', ')} to version ${to}`);
    const entity = current.entities.consumers.get(consumer) ?? target.entities.consumers.get(consumer);
    out.push({
      kind: 'credentials',
      entity: 'consumers',
      name: label('consumers', entity, consumer),
      id: consumer,
      resolution: `the rollback ${parts.join('; ')}`,
    });
  }
  return out;
}

function fromNotes(notes: readonly PlanNote[], to: number): RollbackConflict[] {
  const out: RollbackConflict[] = [];
  for (const note of notes) {
    if (note.type === 'cascade') {
      const { change, cause } = note;
      out.push({
        kind: 'cascade',
        entity: change.kind,
        name: label(change.kind, change.before, change.key),
        id: change.key,
        resolution:
          `deleting ${cause.kind} ${cause.key} (not there at version ${to}) cascaded to it; it is created again ` +
          `as it was at version ${to} in the same changeset`,
      });
    } else {
      out.push({
        kind: 'swapped',
        entity: note.kind,
        name: label(note.kind, note.for, note.for.id),
        id: note.for.id,
        resolution:
          note.how === 'delete'
            ? `${note.kind} ${note.holder.id} held a value ${note.for.id} needs first; the changeset deletes it, ` +
              `then recreates it as it was at version ${to}`
            : `${note.kind} ${note.holder.id} held a value ${note.for.id} needs first and still has children; the ` +
              `changeset clears that field on it, then sets it as it was at version ${to}`,
      });
    }
  }
  return out;
}

/**
 * Every conflict of a rollback from `current` to `target` (the state at version `to`): unique clashes, credential
 * changes per consumer, and the cascades and cycle breaks the planner needed. `reverted` is
 * `diffStates(current, target)`.
 */
export function explainConflicts(
  current: ConfigState,
  target: ConfigState,
  reverted: readonly AppliedChange[],
  notes: readonly PlanNote[],
  to: number,
): RollbackConflict[] {
  return [
    ...uniqueClashes(current, target, reverted, to),
    ...fromNotes(notes, to),
    ...credentialChanges(current, target, reverted, to),
  ];
}
