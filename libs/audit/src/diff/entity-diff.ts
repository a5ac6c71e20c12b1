import { isJsonObject, jsonEqual, type Entity, type JsonValue } from '@gantry/config';
import { formatPath, type PathSegment } from './field-path';

/**
 * One changed field of an entity.
 *
 * `path` names the field: object keys joined by dots, array indexes in brackets, and keys that are not plain
 * identifiers quoted in brackets (`name`, `paths[1]`, `config.minute`, `config.headers.X-Api-Key`,
 * `config["a.b"]`). `before`/`after` are the values at that path; a missing field reads as `null` (Gantry
 * stores unset fields as `null`, so the two are the same thing).
 */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** A {@link FieldChange} that still carries its path as segments (what redaction works on). */
export interface SegmentedFieldChange extends FieldChange {
  segments: readonly PathSegment[];
}

/**
 * Field-level difference of two versions of an entity. Objects are compared key by key at every depth. Arrays
 * of the same length are compared element by element (`paths[1]`); arrays whose length changed are reported
 * whole, which reads better than a shifted list. A created entity (`before` null) lists its non-null fields
 * with `before: null`, a deleted one its non-null fields with `after: null`. Order: the keys of `before`, then
 * keys only in `after`, depth first.
 */
export function diffEntity(before: Entity | null, after: Entity | null): FieldChange[] {
  return diffEntitySegments(before, after).map(({ path, before: b, after: a }) => ({ path, before: b, after: a }));
}

/** {@link diffEntity} with each change's path also as segments. */
export function diffEntitySegments(before: Entity | null, after: Entity | null): SegmentedFieldChange[] {
  const out: SegmentedFieldChange[] = [];
  diffObjects(before ?? {}, after ?? {}, [], out);
  return out;
}

function diffValues(before: JsonValue, after: JsonValue, at: PathSegment[], out: SegmentedFieldChange[]): void {
  if (jsonEqual(before, after)) return;
  if (isJsonObject(before) && isJsonObject(after)) return diffObjects(before, after, at, out);
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) diffValues(before[i], after[i], [...at, i], out);
    return;
  }
  out.push({ path: formatPath(at), segments: at, before, after });
}

function diffObjects(
  before: Record<string, JsonValue>,
  after: Record<string, JsonValue>,
  at: PathSegment[],
  out: SegmentedFieldChange[],
): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) diffValues(before[key] ?? null, after[key] ?? null, [...at, key], out);
}
