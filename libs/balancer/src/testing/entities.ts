import { ENTITY_SCHEMAS, schemaViolation, validateEntity, type Entity, type JsonObject } from '@gantry/config';

/** Test uuid number `n`. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function valid(kind: 'upstreams' | 'targets', input: JsonObject): Entity {
  const r = validateEntity(ENTITY_SCHEMAS[kind], input);
  if (!r.ok) throw new Error(schemaViolation(r.errors).message);
  return r.value as Entity;
}

/** An upstream as the config layer stores it (every Kong default filled in). */
export function upstreamEntity(id: string, name: string, fields: JsonObject = {}): Entity {
  return valid('upstreams', { id, name, created_at: 1, updated_at: 1, ...fields });
}

/** A target as the config layer stores it. */
export function targetEntity(id: string, upstreamId: string, target: string, fields: JsonObject = {}): Entity {
  return valid('targets', { id, upstream: { id: upstreamId }, target, created_at: 1, updated_at: 1, ...fields });
}
