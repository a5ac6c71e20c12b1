import { diffStates, kindRank, type ConfigState, type Entity, type EntityKind } from '@gantry/config';
import { redactEntity, redactFieldChanges } from '../redact';
import { diffEntitySegments, type FieldChange } from './entity-diff';
import { entityLabel } from './entity-label';

/** An entity named in a diff: its kind, id and human name (see `entityLabel`). */
export interface DiffEntityRef {
  readonly kind: EntityKind;
  readonly id: string;
  readonly name: string | null;
}

/** An entity present on one side only, with its secrets redacted. */
export interface DiffEntity extends DiffEntityRef {
  readonly entity: Entity;
}

/** An entity on both sides whose fields differ; secret values redacted. */
export interface ChangedEntity extends DiffEntityRef {
  readonly fields: FieldChange[];
}

/** What changed between two configurations, entities in dependency order (kind), then by id. */
export interface StateDiff {
  readonly added: DiffEntity[];
  readonly removed: DiffEntity[];
  readonly changed: ChangedEntity[];
}

/**
 * The entities added, removed and changed from `from` to `to`, for responses: secrets are redacted everywhere,
 * and a changed secret still shows as a changed field (`"<redacted>"` on both sides).
 */
export function diffConfigStates(from: ConfigState, to: ConfigState): StateDiff {
  const diff: StateDiff = { added: [], removed: [], changed: [] };
  for (const change of diffStates(from, to)) {
    const { kind, key: id } = change;
    if (change.op === 'create' && change.after !== null) {
      diff.added.push({ kind, id, name: entityLabel(kind, change.after), entity: redactEntity(kind, change.after) });
    } else if (change.op === 'delete' && change.before !== null) {
      diff.removed.push({
        kind,
        id,
        name: entityLabel(kind, change.before),
        entity: redactEntity(kind, change.before),
      });
    } else if (change.op === 'update') {
      const fields = redactFieldChanges(kind, diffEntitySegments(change.before, change.after));
      diff.changed.push({ kind, id, name: entityLabel(kind, change.after ?? change.before), fields });
    }
  }
  const order = (a: DiffEntityRef, b: DiffEntityRef): number =>
    kindRank(a.kind) - kindRank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  diff.added.sort(order);
  diff.removed.sort(order);
  diff.changed.sort(order);
  return diff;
}

/** True when the diff holds no change at all. */
export function isEmptyDiff(diff: StateDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
