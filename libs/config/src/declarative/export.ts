import { schemaOf } from '../entities/registry';
import { refId } from '../fold/rules';
import { listEntities, type ConfigState } from '../fold/state';
import type { JsonObject, JsonValue } from '../json';
import { ENTITY_KINDS } from '../kinds';
import { DECLARATIVE_FORMAT_VERSION } from './layout';

/**
 * The state as a declarative configuration: one flat collection per kind, sorted by id, foreign keys as id
 * strings, null fields left out where null is the default. `_transform: false` because secrets (basic-auth
 * password hashes) are already transformed; {@link parseDeclarative} reads it back unchanged.
 */
export function exportDeclarative(state: ConfigState): JsonObject {
  const out: JsonObject = { _format_version: DECLARATIVE_FORMAT_VERSION, _transform: false };
  for (const kind of ENTITY_KINDS) {
    const defs = new Map(schemaOf(kind).fields);
    const list: JsonValue[] = listEntities(state, kind).map((entity) => {
      const item: JsonObject = {};
      for (const [field, value] of Object.entries(entity)) {
        const def = defs.get(field);
        if (value === null && (def === undefined || def.default === undefined || def.default === null)) continue;
        item[field] = def?.type === 'foreign' && value !== null ? (refId(value) ?? value) : value;
      }
      return item;
    });
    if (list.length > 0) out[kind] = list;
  }
  return out;
}
