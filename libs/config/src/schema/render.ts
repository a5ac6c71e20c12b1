import type { JsonObject, JsonValue } from '../json';
import type { EntityCheck, EntitySchema, FieldDef, FieldEntry, ShorthandEntry } from './types';

// Attributes copied verbatim into Kong's schema JSON; functions (custom validators) are dropped as Kong does.
const PLAIN_ATTRIBUTES = [
  'required',
  'default',
  'eq',
  'ne',
  'one_of',
  'not_one_of',
  'gt',
  'between',
  'len_eq',
  'len_min',
  'len_max',
  'starts_with',
  'match',
  'not_match',
  'match_all',
  'match_none',
  'match_any',
  'contains',
  'uuid',
  'timestamp',
  'is_regex',
  'mutually_exclusive_subsets',
  'err',
  'unique',
  'immutable',
  'auto',
  'reference',
  'on_delete',
  'abstract',
  'description',
] as const;

function plain(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Kong's JSON for one field definition (`{"type":"string","uuid":true,"auto":true}`). */
export function renderField(def: FieldDef): JsonObject {
  const out: JsonObject = { type: def.type };
  const attrs = def as unknown as Record<string, unknown>;
  for (const key of PLAIN_ATTRIBUTES) {
    const v = attrs[key];
    if (v !== undefined && typeof v !== 'function') out[key] = plain(v);
  }
  if (def.type === 'array' || def.type === 'set') out.elements = renderField(def.elements);
  if (def.type === 'map') {
    out.keys = renderField(def.keys);
    out.values = renderField(def.values);
  }
  if (def.type === 'record') {
    if (def.fields !== undefined) out.fields = renderFields(def.fields);
    if (def.entity_checks !== undefined) out.entity_checks = renderChecks(def.entity_checks);
    if (def.shorthand_fields !== undefined) out.shorthand_fields = renderShorthands(def.shorthand_fields);
  }
  return out;
}

/** Kong's list form: `[{ "name": { ... } }, ...]`. */
export function renderFields(fields: readonly FieldEntry[]): JsonValue[] {
  return fields.map(([name, def]) => ({ [name]: renderField(def) }));
}

// JSON drops function-valued members, which is exactly what Kong does with custom checks and validators.
function renderChecks(checks: readonly EntityCheck[]): JsonValue[] {
  return checks.map((check) => plain(check));
}

function renderShorthands(shorthands: readonly ShorthandEntry[]): JsonValue[] {
  return shorthands.map(([name, def]) => {
    const out: JsonObject = { type: def.type };
    if (def.elements !== undefined) out.elements = renderField(def.elements);
    return { [name]: out };
  });
}

/**
 * Renders a schema in the JSON that Kong's `GET /schemas/{entity}` returns:
 * `{"fields":[{"id":{"type":"string","uuid":true,"auto":true}}, ...], "entity_checks":[...]}`.
 */
export function renderSchema(schema: Pick<EntitySchema, 'fields' | 'entity_checks' | 'shorthand_fields'>): JsonObject {
  const out: JsonObject = { fields: renderFields(schema.fields) };
  if (schema.entity_checks !== undefined && schema.entity_checks.length > 0) {
    out.entity_checks = renderChecks(schema.entity_checks);
  }
  if (schema.shorthand_fields !== undefined && schema.shorthand_fields.length > 0) {
    out.shorthand_fields = renderShorthands(schema.shorthand_fields);
  }
  return out;
}
