/**
 * Per-field validation errors, shaped like Kong's `fields`: a message per field, nested objects for records,
 * arrays (with `null` for valid elements) for array elements, and `@entity` for cross-field messages.
 */
export type FieldError = string | FieldErrors | FieldErrorList;
/** Errors of array elements, by position; `null` where the element is valid. */
export type FieldErrorList = (FieldError | null)[];
/** Errors by field name. */
export interface FieldErrors {
  [field: string]: FieldError;
}

/** Key holding cross-field (entity check) messages. */
export const ENTITY_ERRORS_KEY = '@entity';

/**
 * Flattens a field error tree into `path: message` strings: entity-level messages first, then fields sorted by
 * name, nested paths dotted and array positions 1-based (`paths.1`, `healthchecks.active.timeout`). Kong renders
 * the second level the same way; deeper levels are dotted here instead of Lua-table dumps so that every failing
 * field is named.
 */
export function flattenFieldErrors(errors: FieldError): string[] {
  const out: string[] = [];
  collect(errors, '', out);
  return out;
}

function collect(error: FieldError, path: string, out: string[]): void {
  if (typeof error === 'string') {
    out.push(path ? `${path}: ${error}` : error);
    return;
  }
  if (Array.isArray(error)) {
    error.forEach((item, i) => {
      if (item !== null) collect(item, join(path, String(i + 1)), out);
    });
    return;
  }
  const entity = error[ENTITY_ERRORS_KEY];
  if (Array.isArray(entity)) {
    for (const message of entity) if (typeof message === 'string') out.push(path ? `${path}: ${message}` : message);
  } else if (typeof entity === 'string') {
    out.push(path ? `${path}: ${entity}` : entity);
  }
  for (const key of Object.keys(error).sort()) {
    if (key !== ENTITY_ERRORS_KEY) collect(error[key], join(path, key), out);
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Adds an entity-level message to an error tree. */
export function addEntityError(errors: FieldErrors, message: string): void {
  const list = errors[ENTITY_ERRORS_KEY];
  if (Array.isArray(list)) list.push(message);
  else errors[ENTITY_ERRORS_KEY] = [message];
}

/** Sets an error at a dotted path (`a.b.c`), creating intermediate objects. */
export function setFieldError(errors: FieldErrors, path: string, error: FieldError): void {
  const parts = path.split('.');
  let node: FieldErrors = errors;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next;
    } else {
      const created: FieldErrors = {};
      node[parts[i]] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1]] = error;
}

/** True when the tree holds at least one message. */
export function hasFieldErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}
