/** One step of a {@link FieldChange} path: an object key or an array index. */
export type PathSegment = string | number;

// Keys made of these characters are written bare (`config.minute`, `headers.X-Api-Key`); others are quoted.
const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders segments as a path: keys joined by dots, indexes in brackets, and keys that are not plain identifiers
 * as JSON strings in brackets. `['paths', 1]` → `paths[1]`; `['config', 'a.b']` → `config["a.b"]`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (BARE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
