import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import type { FieldDef, FieldEntry } from './types';

const fieldMaps = new WeakMap<readonly FieldEntry[], ReadonlyMap<string, FieldDef>>();

/** Name → definition for a field list (memoised per list). */
export function fieldMap(fields: readonly FieldEntry[]): ReadonlyMap<string, FieldDef> {
  let map = fieldMaps.get(fields);
  if (map === undefined) {
    map = new Map(fields);
    fieldMaps.set(fields, map);
  }
  return map;
}

/** Value at a dotted path (`config.policy`); `undefined` when a step is missing. */
export function getPath(object: JsonObject, path: string): JsonValue | undefined {
  if (!path.includes('.')) return object[path];
  let node: JsonValue | undefined = object;
  for (const part of path.split('.')) {
    if (!isJsonObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Kong's notion of "non-empty": not null, not `""`, not an empty array or object. */
export function isNonEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
