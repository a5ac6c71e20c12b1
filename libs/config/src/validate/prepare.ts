import { schemaOf } from '../entities/registry';
import { invalidPrimaryKey, notFound, notFoundByField, schemaViolation } from '../errors/factories';
import type { FieldErrors } from '../errors/field-errors';
import type { KongError } from '../errors/kong-error';
import { createChange, deleteChange, updateChange } from '../events/builders';
import type { Change, ChangeOp } from '../events/types';
import { checkChanges } from '../fold/apply';
import { childrenOf, findByUnique, type ConfigState } from '../fold/state';
import { refId } from '../fold/rules';
import { asText, cloneJson, isJsonObject, type JsonObject } from '../json';
import { isUuid, type Entity, type EntityKind } from '../kinds';
import { MESSAGES } from '../schema/messages';
import { buildContext, type BuildContext } from './context';
import { resolveForeignKeys } from './foreign';
import { findByIdOrKey, type LookupScope } from './lookup';
import { materializeEntity, schemaFor } from './materialize';
import { mergeForPatch } from './merge';

/** Admin API operations: POST (create), PUT (upsert), PATCH (update), DELETE. */
export type AdminOp = 'create' | 'upsert' | 'update' | 'delete';

/** One Admin API write, already routed. */
export interface PrepareRequest {
  op: AdminOp;
  kind: EntityKind;
  /** Id or endpoint key from the path; required except for `create`. */
  idOrKey?: string;
  /** Parsed JSON body. */
  body?: unknown;
  /** The parent of a nested endpoint, e.g. `{ kind: 'consumers', field: 'consumer', idOrKey: 'alice' }`. */
  parent?: { kind: EntityKind; field: string; idOrKey: string };
}

/** Outcome of {@link prepareChange}: the changes to append as one event, or the Kong error to answer with. */
export type PrepareResult =
  | {
      ok: true;
      op: ChangeOp;
      kind: EntityKind;
      key: string;
      before: Entity | null;
      after: Entity | null;
      changes: Change[];
    }
  | { ok: true; op: 'noop'; kind: EntityKind; key: null; before: null; after: null; changes: [] }
  | { ok: false; error: KongError };

function fail(error: KongError): PrepareResult {
  return { ok: false, error };
}

function notFoundFor(kind: EntityKind, idOrKey: string): KongError {
  const key = schemaOf(kind).endpoint_key;
  return isUuid(idOrKey) || key === undefined ? notFound({ id: idOrKey }) : notFoundByField({ [key]: idOrKey });
}

function ok(kind: EntityKind, before: Entity | null, after: Entity, changes: Change[]): PrepareResult {
  return { ok: true, op: before === null ? 'create' : 'update', kind, key: after.id, before, after, changes };
}

/**
 * Validates an Admin API write against the schema and the current state and returns the changes to append
 * (or the Kong error to answer with). Generates ids, timestamps and credential keys, hashes basic-auth
 * passwords; PATCH merges into the stored entity (records merge, arrays replace), PUT replaces it (omitted
 * fields return to their defaults, `created_at` is kept). Reference and uniqueness checks are the fold's own,
 * run as a dry run, so what passes here only fails in the fold when another write got there first.
 */
export function prepareChange(
  state: ConfigState,
  request: PrepareRequest,
  options: Partial<BuildContext> = {},
): PrepareResult {
  const ctx = buildContext(options);
  const { op, kind, idOrKey, parent } = request;
  let scope: LookupScope | undefined;
  if (parent !== undefined) {
    const owner = findByIdOrKey(state, parent.kind, parent.idOrKey);
    if (owner === undefined) return fail(notFoundFor(parent.kind, parent.idOrKey));
    scope = { field: parent.field, id: owner.id };
  }
  if (op !== 'create' && (idOrKey === undefined || idOrKey === '')) {
    throw new Error(`prepareChange: '${op}' needs idOrKey`);
  }
  const existing = op === 'create' ? undefined : findByIdOrKey(state, kind, idOrKey as string, scope);

  if (op === 'delete') {
    if (existing === undefined)
      return { ok: true, op: 'noop', kind, key: null, before: null, after: null, changes: [] };
    const changes = [deleteChange(kind, existing.id, existing)];
    const check = checkChanges(state, changes);
    if (!check.ok) return fail(check.error);
    return { ok: true, op: 'delete', kind, key: existing.id, before: existing, after: null, changes };
  }
  if (op === 'update' && existing === undefined) return fail(notFoundFor(kind, idOrKey as string));

  const body = request.body === undefined ? {} : request.body;
  if (!isJsonObject(body)) return fail(schemaViolation({ '@entity': [MESSAGES.RECORD] }));
  let input: JsonObject = cloneJson(body);

  let snis: string[] | undefined;
  if (kind === 'certificates' && input.snis !== undefined) {
    const raw = input.snis;
    delete input.snis;
    if (raw !== null && (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string'))) {
      return fail(schemaViolation({ snis: MESSAGES.ARRAY }));
    }
    snis = raw === null ? [] : [...new Set(raw as string[])];
  }

  if (scope !== undefined && parent !== undefined) input[parent.field] = { id: scope.id };

  if (op === 'upsert') {
    const key = idOrKey as string;
    const byId = existing === undefined ? isUuid(key) : existing.id === key;
    if (byId) {
      input.id = key;
    } else {
      // The path named the entity by its endpoint key (which may itself look like a uuid).
      const endpointKey = schemaOf(kind).endpoint_key;
      if (endpointKey === undefined) return fail(invalidPrimaryKey({ id: key }));
      input[endpointKey] = key;
      if (existing !== undefined) input.id = existing.id;
    }
  } else if (op === 'update' && existing !== undefined) {
    if (input.id !== undefined && input.id !== existing.id) return fail(schemaViolation({ id: MESSAGES.IMMUTABLE }));
    input = mergeForPatch(schemaFor(kind, existing, ctx).fields, input, existing);
  }

  const unresolved = resolveForeignKeys(state, kind, input);
  if (unresolved !== undefined) return fail(unresolved);

  const built = materializeEntity(kind, input, existing, ctx);
  if (!built.ok) return fail(schemaViolation(built.errors));
  const entity = built.entity;
  const changes: Change[] = [
    existing === undefined ? createChange(kind, entity) : updateChange(kind, existing, entity),
  ];

  if (snis !== undefined) {
    const sniChanges = certificateSniChanges(state, entity.id, snis, ctx);
    if (!Array.isArray(sniChanges)) return fail(sniChanges);
    changes.push(...sniChanges);
  }

  const check = checkChanges(state, changes);
  if (!check.ok) return fail(check.error);
  return ok(kind, existing ?? null, entity, changes);
}

/**
 * The `snis` shorthand of certificates: the certificate ends up with exactly these SNI names. Names already
 * bound to another certificate are refused with Kong's message.
 */
function certificateSniChanges(
  state: ConfigState,
  certificateId: string,
  names: readonly string[],
  ctx: BuildContext,
): Change[] | KongError {
  const current = childrenOf(state, 'snis', 'certificate', certificateId)
    .map((id) => state.entities.snis.get(id))
    .filter((s): s is Entity => s !== undefined);
  const changes: Change[] = current
    .filter((s) => !names.includes(asText(s.name)))
    .map((s) => deleteChange('snis', s.id, s));
  const have = new Set(current.map((s) => asText(s.name)));
  const errors: FieldErrors = {};
  for (const name of names) {
    if (have.has(name)) continue;
    const owner = findByUnique(state, 'snis', 'name', name);
    if (owner !== undefined && refId(owner.certificate) !== certificateId) {
      errors.snis = `${name} already associated with existing certificate '${refId(owner.certificate) ?? ''}'`;
      continue;
    }
    const built = materializeEntity('snis', { name, certificate: { id: certificateId } }, undefined, ctx);
    if (!built.ok) {
      const nameError = built.errors.name;
      errors.snis = typeof nameError === 'string' ? `${name}: ${nameError}` : 'invalid SNI';
      continue;
    }
    changes.push(createChange('snis', built.entity));
  }
  return Object.keys(errors).length > 0 ? schemaViolation(errors) : changes;
}
