import { ENTITY_KINDS, ENTITY_SCHEMAS, type ConfigState, type Entity, type EntityKind } from '@gantry/config';

/**
 * A uniqueness constraint of a kind, as the fold enforces it (libs/config fold rules): one `unique` field, or
 * Kong's multi-field cache key (one plugin per name and scope, one target per upstream and address).
 */
export interface UniqueRule {
  readonly kind: EntityKind;
  readonly fields: readonly string[];
  readonly foreign: readonly boolean[];
}

function rulesFor(kind: EntityKind): UniqueRule[] {
  const schema = ENTITY_SCHEMAS[kind];
  const types = new Map(schema.fields.map(([field, def]) => [field, def.type]));
  const rule = (fields: readonly string[]): UniqueRule => ({
    kind,
    fields,
    foreign: fields.map((f) => types.get(f) === 'foreign'),
  });
  const rules = schema.fields.filter(([, def]) => def.unique === true).map(([field]) => rule([field]));
  if (schema.cache_key !== undefined && schema.cache_key.length > 1) rules.push(rule(schema.cache_key));
  return rules;
}

export const UNIQUE_RULES: Readonly<Record<EntityKind, readonly UniqueRule[]>> = Object.fromEntries(
  ENTITY_KINDS.map((kind) => [kind, rulesFor(kind)]),
) as Record<EntityKind, UniqueRule[]>;

function part(value: unknown, foreign: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (foreign && typeof value === 'object' && !Array.isArray(value)) return (value as { id?: unknown }).id ?? null;
  return value;
}

/**
 * The entity's key under a rule, or undefined when the rule does not constrain it (a single unique field that is
 * null, as the fold does not index nulls). Equal keys mean the two entities clash.
 */
export function uniqueKeyOf(rule: UniqueRule, entity: Entity): string | undefined {
  const parts = rule.fields.map((field, i) => part(entity[field], rule.foreign[i]));
  if (parts.length === 1 && parts[0] === null) return undefined;
  return JSON.stringify(parts);
}

/** The entity of `rule.kind` in `state`, other than `except`, whose key under `rule` is `key`. Scans the kind. */
export function holderOf(state: ConfigState, rule: UniqueRule, key: string, except: string): Entity | undefined {
  for (const entity of state.entities[rule.kind].values()) {
    if (entity.id !== except && uniqueKeyOf(rule, entity) === key) return entity;
  }
  return undefined;
}

/** Per-rule indexes (key → entity id) over the given kinds of a state, built once for many lookups. */
export class UniqueIndex {
  private readonly byRule = new Map<UniqueRule, Map<string, string>>();

  constructor(private readonly state: ConfigState) {}

  /** Id of the entity holding `key` under `rule`, if any. */
  holder(rule: UniqueRule, key: string): string | undefined {
    let index = this.byRule.get(rule);
    if (index === undefined) {
      index = new Map();
      for (const entity of this.state.entities[rule.kind].values()) {
        const k = uniqueKeyOf(rule, entity);
        if (k !== undefined) index.set(k, entity.id);
      }
      this.byRule.set(rule, index);
    }
    return index.get(key);
  }
}
