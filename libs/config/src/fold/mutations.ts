import {
  foreignKeyViolation,
  primaryKeyViolation,
  referencedByOthers,
  schemaViolation,
  uniqueViolation,
} from '../errors/factories';
import { notFound } from '../errors/factories';
import type { KongError } from '../errors/kong-error';
import type { ChangeOp } from '../events/types';
import { isJsonObject } from '../json';
import { isEntityKind, type Entity, type EntityKind } from '../kinds';
import { REFERENCED_BY, REFERENCES, refId, UNIQUE_RULES, uniqueDescription, uniqueKey } from './rules';
import type { ConfigState } from './state';
import type { Tx } from './tx';

/** A change as the fold actually applied it, with the real before/after (cascades included). */
export interface AppliedChange {
  op: ChangeOp;
  kind: EntityKind;
  key: string;
  before: Entity | null;
  after: Entity | null;
  /** Set on deletions the fold made because a referenced entity was deleted. */
  cascade?: true;
}

/** A change as read from an event; its fields are checked before use. */
export interface ChangeInput {
  op: unknown;
  kind: unknown;
  key: unknown;
  after: unknown;
}

function addRef(tx: Tx, index: Map<string, Set<string>>, parent: string, child: string): void {
  let set = index.get(parent);
  if (set === undefined) {
    set = new Set();
    tx.mapInsert(index, parent, set);
  }
  tx.setAdd(set, child);
}

function removeRef(tx: Tx, index: Map<string, Set<string>>, parent: string, child: string): void {
  const set = index.get(parent);
  if (set === undefined) return;
  tx.setDelete(set, child);
  if (set.size === 0) tx.mapDelete(index, parent);
}

function addIndexes(state: ConfigState, tx: Tx, kind: EntityKind, entity: Entity): void {
  for (const rule of UNIQUE_RULES[kind]) {
    const k = uniqueKey(rule, entity);
    if (k !== undefined) tx.mapSet(state.unique[rule.name], k, entity.id);
  }
  for (const fk of REFERENCES[kind]) {
    const parent = refId(entity[fk.field]);
    if (parent !== undefined) addRef(tx, state.refs[fk.index], parent, entity.id);
  }
}

function removeIndexes(state: ConfigState, tx: Tx, kind: EntityKind, entity: Entity): void {
  for (const rule of UNIQUE_RULES[kind]) {
    const k = uniqueKey(rule, entity);
    const index = state.unique[rule.name];
    if (k !== undefined && index.get(k) === entity.id) tx.mapDelete(index, k);
  }
  for (const fk of REFERENCES[kind]) {
    const parent = refId(entity[fk.field]);
    if (parent !== undefined) removeRef(tx, state.refs[fk.index], parent, entity.id);
  }
}

function checkReferences(state: ConfigState, kind: EntityKind, entity: Entity): KongError | undefined {
  for (const fk of REFERENCES[kind]) {
    const value = entity[fk.field];
    if (value === null || value === undefined) continue;
    const parent = refId(value);
    if (parent === undefined) return schemaViolation({ [fk.field]: { id: 'missing primary key' } });
    if (!state.entities[fk.reference].has(parent)) return foreignKeyViolation(fk.field, { id: parent }, fk.reference);
  }
  return undefined;
}

function checkUnique(state: ConfigState, kind: EntityKind, entity: Entity): KongError | undefined {
  for (const rule of UNIQUE_RULES[kind]) {
    const k = uniqueKey(rule, entity);
    if (k === undefined) continue;
    const owner = state.unique[rule.name].get(k);
    if (owner !== undefined && owner !== entity.id) return uniqueViolation(uniqueDescription(rule, entity));
  }
  return undefined;
}

/** Inserts a new entity after checking its primary key, references and unique fields. */
export function createEntity(
  state: ConfigState,
  tx: Tx,
  kind: EntityKind,
  entity: Entity,
  applied: AppliedChange[],
): KongError | undefined {
  const map = state.entities[kind];
  if (map.has(entity.id)) return primaryKeyViolation({ id: entity.id });
  const err = checkReferences(state, kind, entity) ?? checkUnique(state, kind, entity);
  if (err !== undefined) return err;
  tx.mapInsert(map, entity.id, entity);
  addIndexes(state, tx, kind, entity);
  applied.push({ op: 'create', kind, key: entity.id, before: null, after: entity });
  return undefined;
}

/** Replaces an existing entity; a missing one is Kong's not found. */
export function updateEntity(
  state: ConfigState,
  tx: Tx,
  kind: EntityKind,
  entity: Entity,
  applied: AppliedChange[],
): KongError | undefined {
  const map = state.entities[kind];
  const before = map.get(entity.id);
  if (before === undefined) return notFound({ id: entity.id });
  const err = checkReferences(state, kind, entity) ?? checkUnique(state, kind, entity);
  if (err !== undefined) return err;
  removeIndexes(state, tx, kind, before);
  tx.mapSet(map, entity.id, entity);
  addIndexes(state, tx, kind, entity);
  applied.push({ op: 'update', kind, key: entity.id, before, after: entity });
  return undefined;
}

/**
 * Deletes an entity and, depth first, everything that cascades from it. Refuses when a `restrict` reference
 * remains (Kong 3.x's "an existing 'routes' entity references this 'services' entity"). Deleting a missing
 * entity is a no-op, as Kong's DELETE is idempotent.
 */
export function deleteEntity(
  state: ConfigState,
  tx: Tx,
  kind: EntityKind,
  id: string,
  applied: AppliedChange[],
  cascade = false,
): KongError | undefined {
  const before = state.entities[kind].get(id);
  if (before === undefined) return undefined;
  for (const fk of REFERENCED_BY[kind]) {
    if (fk.onDelete !== 'restrict') continue;
    const children = state.refs[fk.index].get(id);
    if (children !== undefined && children.size > 0) return referencedByOthers(kind, fk.kind);
  }
  for (const fk of REFERENCED_BY[kind]) {
    if (fk.onDelete !== 'cascade') continue;
    const children = state.refs[fk.index].get(id);
    if (children === undefined) continue;
    // Sorted so every replica, including one restored from a snapshot, reports cascades in the same order.
    for (const child of [...children].sort()) {
      const err = deleteEntity(state, tx, fk.kind, child, applied, true);
      if (err !== undefined) return err;
    }
  }
  removeIndexes(state, tx, kind, before);
  tx.mapDelete(state.entities[kind], id);
  applied.push(
    cascade
      ? { op: 'delete', kind, key: id, before, after: null, cascade: true }
      : { op: 'delete', kind, key: id, before, after: null },
  );
  return undefined;
}

function malformed(message: string): KongError {
  return schemaViolation({ '@entity': [message] });
}

/** Checks a change's shape and applies it. */
export function applyChange(
  state: ConfigState,
  tx: Tx,
  change: ChangeInput,
  applied: AppliedChange[],
): KongError | undefined {
  const { op, kind, key, after } = change;
  if (!isEntityKind(kind)) return malformed(`unknown entity kind ${JSON.stringify(kind)}`);
  if (typeof key !== 'string' || key === '') return malformed('change key must be a non-empty string');
  if (op === 'delete') return deleteEntity(state, tx, kind, key, applied);
  if (op !== 'create' && op !== 'update') return malformed(`unknown change op ${JSON.stringify(op)}`);
  if (!isJsonObject(after)) return malformed(`a '${op}' change needs the entity in 'after'`);
  if (after.id !== key) return schemaViolation({ id: `must equal the change key '${key}'` });
  const entity = after as Entity;
  return op === 'create'
    ? createEntity(state, tx, kind, entity, applied)
    : updateEntity(state, tx, kind, entity, applied);
}
