import { isJsonObject, type FieldDef, type FieldEntry, type JsonObject, type JsonValue } from '@gantry/config';

/**
 * Turns form-encoded strings into the types the schema declares, as Kong's Admin API does for
 * `application/x-www-form-urlencoded` and multipart bodies: `""` becomes null, numbers and booleans are
 * parsed, a single value of an array field becomes a one-element array, records are walked field by field.
 * Values that do not parse are left as strings so validation names the field.
 */
export function inferValues(fields: readonly FieldEntry[], args: JsonObject): JsonObject {
  const defs = new Map(fields);
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(args)) {
    const def = defs.get(name);
    out[name] = def === undefined ? value : inferValue(value, def);
  }
  return out;
}

function inferValue(value: JsonValue, def: FieldDef): JsonValue {
  if (value === '') return null;
  switch (def.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'string') return value;
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
    case 'set': {
      const list = Array.isArray(value) ? value : [value];
      return list.map((item) => (item === null ? item : inferValue(item, def.elements)));
    }
    case 'map':
      if (!isJsonObject(value)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inferValue(v, def.values)]));
    case 'record':
      if (!isJsonObject(value) || def.fields === undefined) return value;
      return inferValues(def.fields, value);
    default:
      return value;
  }
}
