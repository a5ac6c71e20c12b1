import { isJsonObject, type JsonObject } from '../json';
import { fieldMap } from '../schema/paths';
import type { FieldEntry } from '../schema/types';

/**
 * PATCH semantics (Kong's `merge_values`): fields in `top` win, records merge field by field, everything else
 * (arrays, sets, maps, scalars, null) is replaced. Records without declared fields merge recursively too.
 */
export function mergeForPatch(
  fields: readonly FieldEntry[] | undefined,
  top: JsonObject,
  bottom: JsonObject,
): JsonObject {
  const out: JsonObject = { ...bottom };
  const defs = fields === undefined ? undefined : fieldMap(fields);
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    const def = defs?.get(key);
    const isRecord = def === undefined ? defs === undefined : def.type === 'record';
    const below = bottom[key];
    out[key] =
      isRecord && isJsonObject(value) && isJsonObject(below)
        ? mergeForPatch(def?.type === 'record' ? def.fields : undefined, value, below)
        : value;
  }
  return out;
}
