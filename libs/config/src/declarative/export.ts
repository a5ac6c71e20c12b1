import { schemaOf } from '../entities/registry';
import { refId } from '../fold/rules';
import { listEntities, type ConfigState } from '../fold/state';
import type { JsonObject, JsonValue } from '../json';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';
import { DECLARATIVE_FORMAT_VERSION } from './layout';

/** Options of {@link exportDeclarative}. */
export interface DeclarativeExportOptions {
  /** Written as `_comment`, right after `_transform`. */
  readonly comment?: string;
  /**
   * Each entity as it should be exported (e.g. with its secrets replaced), before null fields are left out and
   * foreign keys reduced to ids. Must not modify its input: return it as is, or a copy.
   */
  readonly mapEntity?: (kind: EntityKind, entity: Entity) => Entity;
}

/** A null value of the field is left out (null is its default, or it has no schema). */
const OMIT_NULL = 1;
/** The field is a foreign key, exported as the id string. */
const FOREIGN = 2;

/** Field name → OMIT_NULL | FOREIGN bits; a field missing from the table is unknown (OMIT_NULL). */
function fieldRulesOf(kind: EntityKind): ReadonlyMap<string, number> {
  return new Map(
    schemaOf(kind).fields.map(([field, def]) => [
      field,
      (def.default === undefined || def.default === null ? OMIT_NULL : 0) | (def.type === 'foreign' ? FOREIGN : 0),
    ]),
  );
}

/** The field rules of every kind, computed once rather than per export (the schemas are static). */
const FIELD_RULES = new Map(ENTITY_KINDS.map((kind) => [kind, fieldRulesOf(kind)]));

/** One entity as exported: null fields left out where null is the default, foreign keys as id strings. */
function exportEntity(entity: Entity, rules: ReadonlyMap<string, number>): JsonObject {
  const item: JsonObject = {};
  // for-in rather than Object.entries: no array of pairs per entity, and an entity is a plain JSON object, so it
  // has no inherited enumerable keys and for-in visits exactly its own keys, in the same order.
  for (const field in entity) {
    const value = entity[field];
    const rule = rules.get(field) ?? OMIT_NULL;
    if (value === null) {
      if ((rule & OMIT_NULL) === 0) item[field] = null;
    } else if ((rule & FOREIGN) !== 0) {
      item[field] = refId(value) ?? value;
    } else {
      item[field] = value;
    }
  }
  return item;
}

/** The entities of `kind` as exported, from index `start` (inclusive) to `end` (exclusive). */
function exportSlice(
  kind: EntityKind,
  entities: readonly Entity[],
  start: number,
  end: number,
  mapEntity: DeclarativeExportOptions['mapEntity'],
): JsonValue[] {
  const rules = FIELD_RULES.get(kind) as ReadonlyMap<string, number>;
  const list = new Array<JsonValue>(end - start);
  for (let i = start; i < end; i++) {
    const entity = mapEntity === undefined ? entities[i] : mapEntity(kind, entities[i]);
    list[i - start] = exportEntity(entity, rules);
  }
  return list;
}

function header(options: DeclarativeExportOptions): JsonObject {
  const out: JsonObject = { _format_version: DECLARATIVE_FORMAT_VERSION, _transform: false };
  if (options.comment !== undefined) out._comment = options.comment;
  return out;
}

/**
 * The state as a declarative configuration: one flat collection per kind, sorted by id, foreign keys as id
 * strings, null fields left out where null is the default. `_transform: false` because secrets (basic-auth
 * password hashes) are already transformed; {@link parseDeclarative} reads it back unchanged.
 */
export function exportDeclarative(state: ConfigState, options: DeclarativeExportOptions = {}): JsonObject {
  const out = header(options);
  for (const kind of ENTITY_KINDS) {
    const entities = listEntities(state, kind);
    if (entities.length > 0) out[kind] = exportSlice(kind, entities, 0, entities.length, options.mapEntity);
  }
  return out;
}

/** Entities exported and serialised together by {@link exportDeclarativeJson}. */
const JSON_SLICE = 1024;

/**
 * `JSON.stringify(exportDeclarative(state, options))`, character for character, built a slice of entities at a
 * time: the exported copies of a slice are garbage once it is serialised, instead of all of them (100k entities
 * for a large configuration) living until the end and being copied out of the young generation.
 */
export function exportDeclarativeJson(state: ConfigState, options: DeclarativeExportOptions = {}): string {
  const head = JSON.stringify(header(options));
  let text = head.slice(0, -1);
  for (const kind of ENTITY_KINDS) {
    const entities = listEntities(state, kind);
    if (entities.length === 0) continue;
    text += `,${JSON.stringify(kind)}:[`;
    for (let start = 0; start < entities.length; start += JSON_SLICE) {
      const end = Math.min(entities.length, start + JSON_SLICE);
      const part = JSON.stringify(exportSlice(kind, entities, start, end, options.mapEntity));
      text += (start === 0 ? '' : ',') + part.slice(1, -1);
    }
    text += ']';
  }
  return `${text}}`;
}
