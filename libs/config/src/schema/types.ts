import type { JsonObject, JsonPrimitive, JsonValue } from '../json';
import type { EntityKind } from '../kinds';

/** Field types, as in Kong's schema library. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'set' | 'map' | 'record' | 'foreign';

/** Returns an error message, or `undefined` when the value is fine. Must be pure and deterministic. */
export type CustomValidator = (value: JsonValue) => string | undefined;

/** A pattern with the message to give when it (does not) match. Patterns are JavaScript regex sources. */
export interface PatternRule {
  readonly pattern: string;
  readonly err: string;
}

/**
 * Value constraints. They are field attributes and also the `if_match` / `then_match` of conditional checks.
 * Patterns (`match`, `not_match`, `match_*`) are JavaScript regex sources where Kong uses Lua patterns.
 */
export interface Constraints {
  readonly required?: boolean;
  readonly eq?: JsonPrimitive;
  readonly ne?: JsonPrimitive;
  readonly one_of?: readonly JsonPrimitive[];
  readonly not_one_of?: readonly JsonPrimitive[];
  readonly gt?: number;
  readonly between?: readonly [number, number];
  readonly len_eq?: number;
  readonly len_min?: number;
  readonly len_max?: number;
  readonly starts_with?: string;
  readonly match?: string;
  readonly not_match?: string;
  readonly match_all?: readonly PatternRule[];
  readonly match_none?: readonly PatternRule[];
  readonly match_any?: { readonly patterns: readonly string[]; readonly err: string };
  readonly contains?: JsonPrimitive;
  readonly uuid?: boolean;
  readonly timestamp?: boolean;
  readonly is_regex?: boolean;
  readonly mutually_exclusive_subsets?: readonly (readonly string[])[];
  readonly custom_validator?: CustomValidator;
  /** Replaces whatever message a failing constraint would give. */
  readonly err?: string;
}

interface FieldBase extends Constraints {
  readonly default?: JsonValue;
  readonly unique?: boolean;
  readonly immutable?: boolean;
  /** Generated on create/upsert when missing: uuids, random strings, timestamps. */
  readonly auto?: boolean;
  /** Allow an explicit `null` even though the field is required (rare; Kong's `nilable`). */
  readonly nullable?: boolean;
  readonly description?: string;
}

/** string, integer, number or boolean. */
export interface ScalarField extends FieldBase {
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
}

/** Ordered list (`array`) or list without duplicates (`set`). */
export interface ListField extends FieldBase {
  readonly type: 'array' | 'set';
  readonly elements: FieldDef;
}

/** Object with arbitrary keys. */
export interface MapField extends FieldBase {
  readonly type: 'map';
  readonly keys: FieldDef;
  readonly values: FieldDef;
}

/** Object with declared fields; without `fields` (Kong's abstract record) any JSON object is accepted. */
export interface RecordField extends FieldBase {
  readonly type: 'record';
  readonly fields?: readonly FieldEntry[];
  readonly entity_checks?: readonly EntityCheck[];
  readonly abstract?: boolean;
  /**
   * Deprecated field names still accepted inside the record (Kong's plugin `shorthand_fields`, e.g.
   * rate-limiting's `redis_host` for `redis.host`); each expands into real fields before validation.
   */
  readonly shorthand_fields?: readonly ShorthandEntry[];
}

/** Reference to another entity, stored as `{ id }`. */
export interface ForeignField extends FieldBase {
  readonly type: 'foreign';
  readonly reference: EntityKind;
  /** What deleting the referenced entity does; Kong's default is to refuse (`restrict`). */
  readonly on_delete?: 'cascade' | 'restrict';
}

/** A field declaration. */
export type FieldDef = ScalarField | ListField | MapField | RecordField | ForeignField;

/** `[name, definition]`; fields keep declaration order, as Kong's do. */
export type FieldEntry = readonly [name: string, def: FieldDef];

/** A condition of `conditional` checks; `elements` constrains every element of an array value. */
export type Condition = Constraints & { readonly elements?: Constraints };

/** Cross-field checks, with Kong's names and semantics. Field names may be dotted (`config.policy`). */
export type EntityCheck =
  | { readonly at_least_one_of: readonly string[] }
  | { readonly only_one_of: readonly string[] }
  | { readonly mutually_exclusive: readonly string[] }
  | { readonly mutually_required: readonly string[] }
  | { readonly distinct: readonly string[] }
  | {
      readonly conditional: {
        readonly if_field: string;
        readonly if_match: Condition;
        readonly then_field: string;
        readonly then_match: Condition;
        readonly then_err?: string;
      };
    }
  | {
      readonly custom_entity_check: {
        readonly field_sources: readonly string[];
        /** Returns an entity-level message, or messages by field name, or `undefined` when fine. */
        readonly fn: (entity: JsonObject) => string | Readonly<Record<string, string>> | undefined;
      };
    };

/** A sugar field that expands into real fields before validation (e.g. a service's `url`). */
export interface ShorthandDef {
  readonly type: 'string' | 'array' | 'integer' | 'number' | 'boolean';
  readonly elements?: FieldDef;
  readonly func: (value: JsonValue) => JsonObject | undefined;
}

/** `[name, definition]` of a shorthand. */
export type ShorthandEntry = readonly [name: string, def: ShorthandDef];

/** An entity schema: Kong's schema table, minus the DAO plumbing. */
export interface EntitySchema {
  readonly name: EntityKind;
  readonly primary_key: readonly ['id'];
  /** Field that may stand for the id in Admin API paths (`/services/{name}`). */
  readonly endpoint_key?: string;
  /** Fields that are unique together (Kong's cache key), when more than one. */
  readonly cache_key?: readonly string[];
  /** Admin API collection path when it differs from `name` (`key-auths`). */
  readonly admin_api_name?: string;
  /** Path below `/consumers/{c}/` (`key-auth`). */
  readonly admin_api_nested_name?: string;
  readonly fields: readonly FieldEntry[];
  readonly entity_checks?: readonly EntityCheck[];
  readonly shorthand_fields?: readonly ShorthandEntry[];
  /**
   * Input adjustment run after shorthands and before defaults; stands in for Kong's subschema defaults
   * (e.g. gRPC routes default to `strip_path = false`).
   */
  readonly adjust_input?: (input: JsonObject) => JsonObject;
}
