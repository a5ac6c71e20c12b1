import type { FieldError, FieldErrorList, FieldErrors } from '../errors/field-errors';

/** Position in the declarative document: `['services', 0, 'routes', 1]`. */
export type DocPath = readonly (string | number)[];

type Container = FieldErrors | FieldErrorList;

function child(node: Container, key: string | number, nextIsIndex: boolean): Container {
  const slot = (node as Record<string | number, FieldError | null | undefined>)[key];
  if (typeof slot === 'object' && slot !== null) return slot;
  const created: Container = nextIsIndex ? [] : {};
  put(node, key, created);
  return created;
}

function put(node: Container, key: string | number, value: FieldError): void {
  if (Array.isArray(node) && typeof key === 'number') {
    while (node.length < key) node.push(null);
    node[key] = value;
  } else {
    (node as FieldErrors)[String(key)] = value;
  }
}

/** Records `error` at `path` in a tree shaped like the document, merging with errors already there. */
export function setErrorAt(root: FieldErrors, path: DocPath, error: FieldError): void {
  let node: Container = root;
  for (let i = 0; i < path.length - 1; i++) node = child(node, path[i], typeof path[i + 1] === 'number');
  const last = path[path.length - 1];
  const existing = (node as Record<string | number, FieldError | null | undefined>)[last];
  if (
    typeof existing === 'object' &&
    existing !== null &&
    !Array.isArray(existing) &&
    typeof error === 'object' &&
    !Array.isArray(error)
  ) {
    Object.assign(existing, error);
  } else {
    put(node, last, error);
  }
}
