import { isJsonObject, type Entity, type EntityKind, type JsonValue } from '@gantry/config';
import type { FieldChange, SegmentedFieldChange } from '../diff/entity-diff';
import type { PathSegment } from '../diff/field-path';
import { isSecretPath, REDACTED, redactUrlUserinfo, secretFieldsOf } from './secret-fields';

/**
 * `entity` with every secret replaced by `"<redacted>"` (see `secret-fields.ts` for which fields are secret).
 * `null` stays `null`, so the response still tells a set secret from an unset one. The input is not modified;
 * an entity with nothing to redact is returned as is (a past state's export redacts 100k entities, most of
 * them services and routes, which copying would make several times slower than the export itself).
 */
export function redactEntity(kind: EntityKind, entity: Entity): Entity {
  if (kind === 'plugins') return redactAt(kind, [], entity) as Entity;
  const secrets = secretFieldsOf(kind);
  if (secrets === undefined) return entity;
  let copy: Record<string, JsonValue> | undefined;
  for (const field of secrets) {
    if (entity[field] === null || entity[field] === undefined) continue;
    copy ??= { ...entity };
    copy[field] = REDACTED;
  }
  return (copy as Entity | undefined) ?? entity;
}

/** {@link redactEntity} for a null-able entity (the `before` of a create, the `after` of a delete). */
export function redactMaybe(kind: EntityKind, entity: Entity | null): Entity | null {
  return entity === null ? null : redactEntity(kind, entity);
}

/**
 * Redacts the values of field changes computed on unredacted entities, so a changed secret still shows as a
 * change (`"<redacted>"` → `"<redacted>"`) without showing either value.
 */
export function redactFieldChanges(kind: EntityKind, changes: readonly SegmentedFieldChange[]): FieldChange[] {
  return changes.map(({ path, segments, before, after }) => ({
    path,
    before: redactAt(kind, segments, before as JsonValue),
    after: redactAt(kind, segments, after as JsonValue),
  }));
}

/** The value found at `path` inside an entity of `kind`, with its secrets (and itself, if secret) redacted. */
export function redactAt(kind: EntityKind, path: readonly PathSegment[], value: JsonValue): JsonValue {
  if (value === null) return null;
  if (isSecretPath(kind, path)) return REDACTED;
  if (typeof value === 'string') return kind === 'plugins' ? redactUrlUserinfo(value) : value;
  if (Array.isArray(value)) return value.map((item, i) => redactAt(kind, [...path, i], item));
  if (isJsonObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactAt(kind, [...path, key], item);
    return out;
  }
  return value;
}
