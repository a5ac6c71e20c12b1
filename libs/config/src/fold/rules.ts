import { ENTITY_SCHEMAS, FOREIGN_KEYS, type ForeignKeyInfo } from '../entities/registry';
import { asText, type JsonObject, type JsonValue } from '../json';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';

/** A uniqueness constraint the fold enforces: one field, or several together (Kong's cache key). */
export interface UniqueRule {
  readonly name: string;
  readonly kind: EntityKind;
  readonly fields: readonly string[];
  readonly foreign: readonly boolean[];
}

function foreignFlags(kind: EntityKind, fields: readonly string[]): boolean[] {
  const defs = new Map(ENTITY_SCHEMAS[kind].fields);
  return fields.map((f) => defs.get(f)?.type === 'foreign');
}

function rulesFor(kind: EntityKind): UniqueRule[] {
  const schema = ENTITY_SCHEMAS[kind];
  const rules: UniqueRule[] = schema.fields
    .filter(([, def]) => def.unique === true)
    .map(([field]) => ({ name: `${kind}.${field}`, kind, fields: [field], foreign: foreignFlags(kind, [field]) }));
  if (schema.cache_key !== undefined && schema.cache_key.length > 1) {
    const fields = schema.cache_key;
    rules.push({ name: `${kind}.(${fields.join(',')})`, kind, fields, foreign: foreignFlags(kind, fields) });
  }
  return rules;
}

/** Unique rules per kind. */
export const UNIQUE_RULES: Readonly<Record<EntityKind, readonly UniqueRule[]>> = Object.fromEntries(
  ENTITY_KINDS.map((k) => [k, rulesFor(k)]),
) as Record<EntityKind, UniqueRule[]>;

/** Name of the reverse index of a foreign key (`routes.service`). */
export function refIndexName(fk: ForeignKeyInfo): string {
  return `${fk.kind}.${fk.field}`;
}

/** A foreign key with the name of its reverse index. */
export interface ReferenceRule extends ForeignKeyInfo {
  /** `refIndexName(fk)`, built once: the fold looks indexes up for every change it applies. */
  readonly index: string;
}

function referenceRules(
  belongsTo: (fk: ForeignKeyInfo, kind: EntityKind) => boolean,
): Record<EntityKind, ReferenceRule[]> {
  return Object.fromEntries(
    ENTITY_KINDS.map((k) => [
      k,
      FOREIGN_KEYS.filter((fk) => belongsTo(fk, k)).map((fk) => ({ ...fk, index: refIndexName(fk) })),
    ]),
  ) as Record<EntityKind, ReferenceRule[]>;
}

/** Foreign keys held by each kind (child side). */
export const REFERENCES: Readonly<Record<EntityKind, readonly ReferenceRule[]>> = referenceRules(
  (fk, k) => fk.kind === k,
);

/** Foreign keys pointing at each kind (parent side). */
export const REFERENCED_BY: Readonly<Record<EntityKind, readonly ReferenceRule[]>> = referenceRules(
  (fk, k) => fk.reference === k,
);

/** The id a foreign key value points at, if any. */
export function refId(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = value.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Index key of an entity under a rule; `undefined` when the entity is not constrained (single-field rules do
 * not index null, as SQL unique constraints allow many nulls).
 */
export function uniqueKey(rule: UniqueRule, entity: Entity): string | undefined {
  if (rule.fields.length === 1) {
    const v = entity[rule.fields[0]];
    if (v === null || v === undefined) return undefined;
    return rule.foreign[0] ? refId(v) : typeof v === 'string' ? v : JSON.stringify(v);
  }
  let key = '';
  for (let i = 0; i < rule.fields.length; i++) {
    const v = entity[rule.fields[i]];
    const part = v === null || v === undefined ? '\u0000' : rule.foreign[i] ? (refId(v) ?? '\u0000') : asText(v);
    key += i === 0 ? part : `\u0001${part}`;
  }
  return key;
}

/** The unique key as Kong reports it in a unique violation (`{name="x"}`, foreign keys as `{id=...}`). */
export function uniqueDescription(rule: UniqueRule, entity: Entity): JsonObject {
  const out: JsonObject = {};
  rule.fields.forEach((field, i) => {
    const v = entity[field] ?? null;
    out[field] = rule.foreign[i] && v !== null ? { id: refId(v) ?? null } : v;
  });
  return out;
}
