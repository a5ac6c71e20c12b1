import { isEntityKind, isJsonObject, isUuid, type JsonObject, type JsonValue } from '@gantry/config';

/** One error of a flattened entry: a field's message or an entity-level one. */
export type FlatError = { type: 'field'; field: string; message: string } | { type: 'entity'; message: string };

/** Kong's `flattened_errors` entry: the failing entity, as sent, with every message about it. */
export interface FlatEntityErrors {
  entity_type: string;
  entity_name?: string;
  entity_id?: string;
  entity_tags?: string[];
  entity: JsonObject;
  errors: FlatError[];
}

function singular(kind: string): string {
  return kind.endsWith('s') ? kind.slice(0, -1) : kind;
}

function collectMessages(error: JsonValue, path: string, out: FlatError[]): void {
  if (typeof error === 'string') {
    out.push(path === '' ? { type: 'entity', message: error } : { type: 'field', field: path, message: error });
  } else if (Array.isArray(error)) {
    error.forEach((item, i) => {
      if (item !== null) collectMessages(item, path === '' ? String(i + 1) : `${path}.${i + 1}`, out);
    });
  } else if (isJsonObject(error)) {
    for (const key of Object.keys(error).sort()) {
      const value = error[key];
      if (key === '@entity') {
        for (const text of Array.isArray(value) ? value : [value]) {
          if (typeof text === 'string') out.push({ type: 'entity', message: text });
        }
      } else collectMessages(value, path === '' ? key : `${path}.${key}`, out);
    }
  }
}

function flattenEntity(kind: string, entity: JsonValue, error: JsonValue, out: FlatEntityErrors[]): void {
  if (!isJsonObject(entity)) return;
  const own: JsonObject = {};
  const shown: JsonObject = {};
  for (const [key, value] of Object.entries(entity)) {
    // Nested collections (services → routes) are reported as entities of their own, as Kong hoists them.
    if (isEntityKind(key) && Array.isArray(value)) {
      const nested = isJsonObject(error) ? error[key] : undefined;
      if (Array.isArray(nested)) value.forEach((child, i) => flattenEntity(key, child, nested[i] ?? null, out));
      continue;
    }
    shown[key] = value;
  }
  if (isJsonObject(error)) {
    for (const [key, value] of Object.entries(error))
      if (!(isEntityKind(key) && Array.isArray(value))) own[key] = value;
  }
  const errors: FlatError[] = [];
  collectMessages(typeof error === 'string' ? error : own, '', errors);
  if (errors.length === 0) return;
  const item: FlatEntityErrors = { entity_type: singular(kind), entity: shown, errors };
  if (typeof entity.name === 'string' && entity.name !== '') item.entity_name = entity.name;
  if (isUuid(entity.id)) item.entity_id = entity.id;
  if (Array.isArray(entity.tags) && entity.tags.every((t) => typeof t === 'string')) item.entity_tags = entity.tags;
  out.push(item);
}

/**
 * Kong's `flattened_errors` for an invalid declarative file: one entry per failing entity (nested ones
 * hoisted), each with the entity as sent and its field and entity messages, paths dotted.
 */
export function flattenDeclarativeErrors(fields: JsonObject | undefined, doc: unknown): FlatEntityErrors[] {
  const out: FlatEntityErrors[] = [];
  if (fields === undefined || !isJsonObject(doc)) return out;
  for (const [kind, errors] of Object.entries(fields)) {
    const list = doc[kind];
    if (!isEntityKind(kind) || !Array.isArray(errors) || !Array.isArray(list)) continue;
    errors.forEach((error, i) => {
      if (error !== null) flattenEntity(kind, list[i], error, out);
    });
  }
  return out;
}
