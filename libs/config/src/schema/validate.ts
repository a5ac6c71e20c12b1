import { hasFieldErrors, type FieldError, type FieldErrorList, type FieldErrors } from '../errors/field-errors';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json';
import { isUuid } from '../kinds';
import { runEntityChecks } from './entity-checks';
import { MESSAGES } from './messages';
import { fieldMap } from './paths';
import type {
  Constraints,
  EntityCheck,
  EntitySchema,
  FieldDef,
  FieldEntry,
  ListField,
  MapField,
  ShorthandDef,
  ShorthandEntry,
} from './types';
import { runConstraints } from './validators';

/** A validated (and normalised) value, or what is wrong with it. */
export interface ValueResult {
  value: JsonValue;
  error?: FieldError;
}

/** Result of validating a whole record. */
export type RecordResult = { ok: true; value: JsonObject } | { ok: false; value: JsonObject; errors: FieldErrors };

const effective = new WeakMap<FieldDef, Constraints>();

// Kong rejects empty strings unless a field says otherwise, so strings get an implicit `len_min = 1`.
function constraintsOf(def: FieldDef): Constraints {
  if (def.type !== 'string' || def.len_min !== undefined) return def;
  let c = effective.get(def);
  if (c === undefined) {
    c = { ...def, len_min: 1 };
    effective.set(def, c);
  }
  return c;
}

/** Message for an explicit `null`, or `undefined` when null is allowed. */
export function nullError(def: FieldDef): string | undefined {
  if (def.ne === null) return def.err ?? MESSAGES.ne('null');
  if (def.eq !== undefined && def.eq !== null) return MESSAGES.eq(String(def.eq));
  if (def.required === true && def.nullable !== true) return MESSAGES.REQUIRED;
  return undefined;
}

/** Validates one non-null value against its field definition; records get their defaults filled. */
export function validateValue(def: FieldDef, value: JsonValue): ValueResult {
  let normalised: JsonValue = value;
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return { value, error: MESSAGES.STRING };
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { value, error: MESSAGES.INTEGER };
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { value, error: MESSAGES.NUMBER };
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return { value, error: MESSAGES.BOOLEAN };
      break;
    case 'array':
    case 'set': {
      if (!Array.isArray(value)) return { value, error: def.type === 'set' ? MESSAGES.SET : MESSAGES.ARRAY };
      const r = validateElements(def, value);
      if (r.error !== undefined) return r;
      normalised = r.value;
      break;
    }
    case 'map': {
      if (!isJsonObject(value)) return { value, error: MESSAGES.MAP };
      const r = validateMap(def, value);
      if (r.error !== undefined) return r;
      normalised = r.value;
      break;
    }
    case 'record': {
      if (!isJsonObject(value)) return { value, error: MESSAGES.RECORD };
      if (def.fields === undefined) {
        normalised = cloneJson(value);
        break;
      }
      const shorthandErrors: FieldErrors = {};
      const input = def.shorthand_fields ? expandShorthands(def.shorthand_fields, value, shorthandErrors) : value;
      const r = validateRecord(def.fields, def.entity_checks, input);
      if (!r.ok || hasFieldErrors(shorthandErrors)) {
        return { value: r.value, error: { ...(r.ok ? {} : r.errors), ...shorthandErrors } };
      }
      normalised = r.value;
      break;
    }
    case 'foreign': {
      const r = validateForeignKey(value);
      if (r.error !== undefined) return r;
      normalised = r.value;
      break;
    }
  }
  const error = runConstraints(constraintsOf(def), normalised);
  return error === undefined ? { value: normalised } : { value: normalised, error };
}

function validateElements(def: ListField, value: readonly JsonValue[]): ValueResult {
  const errors: FieldErrorList = [];
  const out: JsonValue[] = [];
  let failed = false;
  for (const item of value) {
    if (item === null || item === undefined) {
      errors.push(MESSAGES.REQUIRED);
      failed = true;
      continue;
    }
    const r = validateValue(def.elements, item);
    errors.push(r.error ?? null);
    if (r.error !== undefined) failed = true;
    // Sets drop duplicate scalars, as Kong's set normalisation does.
    if (def.type === 'set' && (typeof r.value !== 'object' || r.value === null) && out.includes(r.value)) continue;
    out.push(r.value);
  }
  return failed ? { value: out, error: errors } : { value: out };
}

function validateMap(def: MapField, value: JsonObject): ValueResult {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const key = validateValue(def.keys, k);
    if (key.error !== undefined) return { value, error: key.error };
    if (v === null || v === undefined) return { value, error: MESSAGES.REQUIRED };
    const r = validateValue(def.values, v);
    if (r.error !== undefined) return { value, error: r.error };
    out[k] = r.value;
  }
  return { value: out };
}

/** Kong's foreign key form: `{ id: <uuid> }`; other keys are dropped. */
function validateForeignKey(value: JsonValue): ValueResult {
  if (!isJsonObject(value)) return { value, error: { id: MESSAGES.MISSING_PK } };
  const id = value.id;
  if (id === undefined || id === null) return { value, error: { id: MESSAGES.MISSING_PK } };
  if (typeof id !== 'string') return { value, error: { id: MESSAGES.STRING } };
  if (!isUuid(id)) return { value, error: { id: MESSAGES.UUID } };
  return { value: { id } };
}

/**
 * Validates an object against a field list: rejects unknown fields, fills defaults (missing optional fields
 * become `null`), checks every field and then the cross-field checks. Every failing field is reported.
 */
export function validateRecord(
  fields: readonly FieldEntry[],
  checks: readonly EntityCheck[] | undefined,
  input: JsonObject,
): RecordResult {
  const known = fieldMap(fields);
  const out: JsonObject = {};
  const errors: FieldErrors = {};
  for (const key of Object.keys(input)) {
    if (!known.has(key) && input[key] !== undefined) errors[key] = MESSAGES.UNKNOWN;
  }
  for (const [name, def] of fields) {
    let v: JsonValue | undefined = input[name];
    if (v === undefined) {
      if (def.default !== undefined) v = cloneJson(def.default);
      else if (def.type === 'record' && def.required === true && def.fields !== undefined) v = {};
      else {
        if (def.required === true) errors[name] = MESSAGES.REQUIRED;
        out[name] = null;
        continue;
      }
    }
    if (v === null) {
      const e = nullError(def);
      if (e !== undefined) errors[name] = e;
      out[name] = null;
      continue;
    }
    const r = validateValue(def, v);
    out[name] = r.value;
    if (r.error !== undefined) errors[name] = r.error;
  }
  if (checks !== undefined) runEntityChecks(checks, out, errors);
  return hasFieldErrors(errors) ? { ok: false, value: out, errors } : { ok: true, value: out };
}

/**
 * Expands shorthand fields (a service's `url`) into real fields. The expansion wins over fields given
 * alongside it, as in Kong.
 */
export function applyShorthands(schema: EntitySchema, input: JsonObject, errors: FieldErrors): JsonObject {
  const shorthands = schema.shorthand_fields;
  return shorthands === undefined ? input : expandShorthands(shorthands, input, errors);
}

function shorthandTypeError(type: ShorthandDef['type'], value: JsonValue): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : MESSAGES.STRING;
    case 'array':
      return Array.isArray(value) ? undefined : MESSAGES.ARRAY;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : MESSAGES.INTEGER;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : MESSAGES.NUMBER;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : MESSAGES.BOOLEAN;
  }
}

/**
 * Expands shorthands into real fields. An expansion that names a record merges into what was given for that
 * record (`redis_host` sets `redis.host` and keeps `redis.port`); otherwise it wins over the given field.
 */
function expandShorthands(shorthands: readonly ShorthandEntry[], input: JsonObject, errors: FieldErrors): JsonObject {
  let out = input;
  for (const [name, def] of shorthands) {
    const value = out[name];
    if (value === undefined) continue;
    if (out === input) out = { ...input };
    delete out[name];
    if (value === null) continue;
    const typeError = shorthandTypeError(def.type, value);
    if (typeError !== undefined) {
      errors[name] = typeError;
      continue;
    }
    const expanded = def.func(value);
    if (expanded === undefined) continue;
    for (const [key, part] of Object.entries(expanded)) {
      const current = out[key];
      out[key] = isJsonObject(part) && isJsonObject(current) ? { ...current, ...part } : part;
    }
  }
  return out;
}

/**
 * Validates an entity body against its schema: shorthands, unknown fields, types, constraints, defaults and
 * entity checks. Does not generate ids or timestamps and does not look at other entities.
 */
export function validateEntity(schema: EntitySchema, input: unknown): RecordResult {
  if (!isJsonObject(input)) return { ok: false, value: {}, errors: { '@entity': [MESSAGES.RECORD] } };
  const errors: FieldErrors = {};
  let expanded = applyShorthands(schema, input, errors);
  if (schema.adjust_input !== undefined) expanded = schema.adjust_input(expanded);
  const r = validateRecord(schema.fields, schema.entity_checks, expanded);
  if (r.ok && !hasFieldErrors(errors)) return r;
  return { ok: false, value: r.value, errors: { ...(r.ok ? {} : r.errors), ...errors } };
}
