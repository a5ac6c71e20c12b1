import { createHash } from 'node:crypto';
import { hashPassword } from '../entities/password';
import { schemaOf } from '../entities/registry';
import { normalizeTarget } from '../entities/target';
import { declarativeConfigError } from '../errors/factories';
import type { FieldErrors } from '../errors/field-errors';
import type { KongError } from '../errors/kong-error';
import { luaPretty } from '../errors/lua-pretty';
import { createChange } from '../events/builders';
import type { Change } from '../events/types';
import { buildState } from '../fold/replace';
import { refId } from '../fold/rules';
import type { ConfigState } from '../fold/state';
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../json';
import { ENTITY_KINDS, isEntityKind, isUuid, type Entity, type EntityKind } from '../kinds';
import { MESSAGES } from '../schema/messages';
import { buildContext, type BuildContext } from '../validate/context';
import { materializeEntity } from '../validate/materialize';
import { setErrorAt, type DocPath } from './error-tree';
import { deterministicUuid } from './ids';
import { DECLARATIVE_FORMAT_VERSION, META_KEYS, NESTED } from './layout';

/** Options of {@link parseDeclarative}. */
export interface DeclarativeOptions extends Partial<BuildContext> {
  /** Current state: entities that did not change keep their stored form (so a re-import is a no-op). */
  state?: ConfigState;
}

/** One entity of a parsed declarative configuration. */
export interface DeclarativeEntity {
  kind: EntityKind;
  entity: Entity;
}

/** A parsed configuration (in dependency order, ready for a `replace` event), or Kong's code 14 error. */
export type DeclarativeResult =
  { ok: true; entities: DeclarativeEntity[]; changes: Change[] } | { ok: false; error: KongError };

interface Pending {
  kind: EntityKind;
  raw: JsonObject;
  path: DocPath;
  parent?: { field: string; pending: Pending };
  id?: string;
  broken?: boolean;
}

function collect(
  list: JsonValue,
  kind: EntityKind,
  path: DocPath,
  parent: Pending['parent'],
  out: Pending[],
  errors: FieldErrors,
): void {
  if (!Array.isArray(list)) {
    setErrorAt(errors, path, MESSAGES.ARRAY);
    return;
  }
  list.forEach((item, i) => {
    const here = [...path, i];
    const record = kind === 'snis' && typeof item === 'string' ? { name: item } : item;
    if (!isJsonObject(record)) {
      setErrorAt(errors, here, MESSAGES.RECORD);
      return;
    }
    const pending: Pending = { kind, raw: { ...record }, path: here, parent };
    out.push(pending);
    for (const nested of NESTED[kind] ?? []) {
      const children = pending.raw[nested.key];
      if (children === undefined) continue;
      delete pending.raw[nested.key];
      collect(children, nested.kind, [...here, nested.key], { field: nested.field, pending }, out, errors);
    }
  });
}

class Registry {
  private readonly ids = new Map<EntityKind, Set<string>>();
  private readonly keys = new Map<EntityKind, Map<string, string>>();

  add(kind: EntityKind, id: string, raw: JsonObject): void {
    if (!this.ids.has(kind)) this.ids.set(kind, new Set());
    this.ids.get(kind)?.add(id);
    const key = schemaOf(kind).endpoint_key;
    const value = key === undefined ? undefined : raw[key];
    if (typeof value === 'string') {
      if (!this.keys.has(kind)) this.keys.set(kind, new Map());
      this.keys.get(kind)?.set(value, id);
    }
  }

  resolve(kind: EntityKind, ref: string): string | undefined {
    if (this.ids.get(kind)?.has(ref) === true) return ref;
    return this.keys.get(kind)?.get(ref);
  }
}

function referenceText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (isJsonObject(value)) {
    const first = Object.values(value).find((v) => typeof v === 'string');
    if (typeof first === 'string') return first;
  }
  return JSON.stringify(value);
}

/** Turns string / `{id}` / `{name}` references into `{ id }`; reports Kong's "invalid reference" otherwise. */
function resolveReferences(p: Pending, registry: Registry): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, def] of schemaOf(p.kind).fields) {
    if (def.type !== 'foreign') continue;
    const value = p.raw[field];
    if (p.parent !== undefined && p.parent.field === field) {
      const parentId = p.parent.pending.id as string;
      if (value !== undefined && value !== null) {
        const given = typeof value === 'string' ? value : isJsonObject(value) ? referenceText(value) : undefined;
        if (given !== undefined && registry.resolve(def.reference, given) !== parentId) {
          errors[field] = `value must be null (implied by the enclosing '${def.reference}' entity)`;
          continue;
        }
      }
      p.raw[field] = { id: parentId };
      continue;
    }
    if (value === undefined || value === null) continue;
    const text = isJsonObject(value) && typeof value.id === 'string' ? value.id : referenceText(value);
    const id = registry.resolve(def.reference, text);
    if (id === undefined) {
      errors[field] = `invalid reference '${field}: ${text}' (no such entry in '${def.reference}')`;
    } else {
      p.raw[field] = { id };
    }
  }
  return errors;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable id from what identifies the entity (name, scope, target...) so re-imports keep their ids. */
function derivedId(p: Pending): string {
  const r = p.raw;
  const ref = (f: string): string => refId(r[f]) ?? '';
  let natural: string | undefined;
  switch (p.kind) {
    case 'plugins':
      natural =
        typeof r.name === 'string' ? `${r.name}|${ref('route')}|${ref('service')}|${ref('consumer')}` : undefined;
      break;
    case 'targets':
      natural = typeof r.target === 'string' ? `${ref('upstream')}|${normalizeTarget(r.target)}` : undefined;
      break;
    case 'acls':
      natural = typeof r.group === 'string' ? `${ref('consumer')}|${r.group}` : undefined;
      break;
    case 'certificates':
    case 'ca_certificates':
      natural = typeof r.cert === 'string' ? digest(r.cert) : undefined;
      break;
    default: {
      const key = schemaOf(p.kind).endpoint_key;
      const value = key === undefined ? undefined : r[key];
      natural = typeof value === 'string' ? value : undefined;
    }
  }
  return deterministicUuid(`${p.kind}:${natural ?? p.path.join('/')}`);
}

function checkTopLevel(config: JsonObject, errors: FieldErrors): boolean {
  if (config._format_version === undefined) setErrorAt(errors, ['_format_version'], MESSAGES.REQUIRED);
  else if (config._format_version !== DECLARATIVE_FORMAT_VERSION) {
    setErrorAt(errors, ['_format_version'], MESSAGES.oneOf(DECLARATIVE_FORMAT_VERSION));
  }
  if (config._transform !== undefined && typeof config._transform !== 'boolean') {
    setErrorAt(errors, ['_transform'], MESSAGES.BOOLEAN);
  }
  if (config._comment !== undefined && typeof config._comment !== 'string')
    setErrorAt(errors, ['_comment'], MESSAGES.STRING);
  for (const key of Object.keys(config)) {
    if (!META_KEYS.has(key) && !isEntityKind(key)) setErrorAt(errors, [key], MESSAGES.UNKNOWN);
  }
  return Object.keys(errors).length === 0;
}

function withoutTimestamps(e: Entity): JsonObject {
  const { created_at: _c, updated_at: _u, ...rest } = e;
  return rest;
}

/** A stable per-credential salt, so importing the same plain password twice yields the same stored hash. */
function stableHash(plain: string, entityId: string): string {
  return hashPassword(plain, createHash('sha256').update(`basicauth:${entityId}`).digest().subarray(0, 16));
}

/**
 * Parses a decK/Kong declarative configuration (`_format_version: "3.0"`, already JSON-parsed): nested
 * children (services → routes → plugins, consumers → credentials and plugins, upstreams → targets,
 * certificates → snis), references by id or name, `_transform`, `_comment`, `_ignore`. Entities without an
 * id get one derived from their names, so importing the same file twice gives the same ids. Every entity is
 * validated like an Admin API write, then uniqueness and references are checked among them. Errors come back
 * as Kong's code 14 with `fields` mirroring the document.
 */
export function parseDeclarative(config: unknown, options: DeclarativeOptions = {}): DeclarativeResult {
  const errors: FieldErrors = {};
  if (!isJsonObject(config)) return { ok: false, error: declarativeConfigError({ '@entity': [MESSAGES.RECORD] }) };
  if (!checkTopLevel(config, errors)) return { ok: false, error: declarativeConfigError(errors) };
  const transform = config._transform !== false;
  const ctx = buildContext({ hashPassword: stableHash, ...options, transform, keepGivenTimestamps: true });

  const pending: Pending[] = [];
  for (const kind of ENTITY_KINDS) {
    const list = config[kind];
    if (list !== undefined) collect(list, kind, [kind], undefined, pending, errors);
  }

  const registry = new Registry();
  const byKind = new Map<EntityKind, Pending[]>();
  for (const p of pending) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p]);
  const ordered: Pending[] = ENTITY_KINDS.flatMap((k) => byKind.get(k) ?? []);
  for (const p of ordered) {
    const refErrors = resolveReferences(p, registry);
    if (Object.keys(refErrors).length > 0) {
      setErrorAt(errors, p.path, refErrors);
      p.broken = true;
    }
    p.id = typeof p.raw.id === 'string' && p.raw.id !== '' ? p.raw.id : derivedId(p);
    p.raw.id = p.id;
    registry.add(p.kind, p.id, p.raw);
  }

  const entities: DeclarativeEntity[] = [];
  for (const p of ordered) {
    if (p.broken === true) continue;
    const previous = isUuid(p.id) ? options.state?.entities[p.kind].get(p.id) : undefined;
    const built = materializeEntity(p.kind, p.raw, previous, ctx);
    if (!built.ok) {
      setErrorAt(errors, p.path, built.errors);
      continue;
    }
    const unchanged = previous !== undefined && jsonEqual(withoutTimestamps(previous), withoutTimestamps(built.entity));
    entities.push({ kind: p.kind, entity: unchanged ? previous : built.entity });
  }
  if (Object.keys(errors).length > 0) return { ok: false, error: declarativeConfigError(errors) };

  const changes = entities.map((e) => createChange(e.kind, e.entity));
  const check = buildState(changes);
  if (!check.ok) {
    const p = ordered[check.changeIndex];
    setErrorAt(errors, p.path, constraintError(p.kind, check.error));
    return { ok: false, error: declarativeConfigError(errors) };
  }
  return { ok: true, entities, changes };
}

function constraintError(kind: EntityKind, error: KongError): FieldErrors {
  if (error.code === 5 && error.fields !== undefined) {
    const fields = Object.keys(error.fields);
    if (fields.length === 1) {
      const value = error.fields[fields[0]];
      return {
        [fields[0]]: `uniqueness violation: '${kind}' entity with ${fields[0]} set to '${typeof value === 'string' ? value : luaPretty(value)}' already declared`,
      };
    }
    return { '@entity': [`uniqueness violation: '${kind}' entity with ${luaPretty(error.fields)} already declared`] };
  }
  return { '@entity': [error.message] };
}
