import { appendArg, decodeArgs, encodeArgs, type ArgValue, type Args } from '../shared/lua-args';
import { render, type OperationLists } from './operations';
import type { TemplateSources } from './template';

/**
 * Kong's query transformations (remove, rename, replace, add, append) on the upstream query. As with
 * `kong.service.request.set_query`, the result is re-encoded with names in lexicographic order.
 */
export function transformQuery(query: string, ops: OperationLists, sources: TemplateSources): string {
  const args = decodeArgs(query);
  for (const op of ops.remove) args.delete(op.name);
  for (const op of ops.rename) {
    const target = render(op, sources);
    const value = args.get(op.name);
    if (target === null || target === op.name || value === undefined) continue;
    args.delete(op.name);
    args.set(target, value);
  }
  for (const op of ops.replace) {
    const value = render(op, sources);
    if (value !== null && args.has(op.name)) args.set(op.name, value);
  }
  for (const op of ops.add) {
    const value = render(op, sources);
    if (value !== null && !args.has(op.name)) args.set(op.name, value);
  }
  for (const op of ops.append) {
    const value = render(op, sources);
    if (value !== null) args.set(op.name, appendArg(args.get(op.name), value));
  }
  return encodeArgs(args, true);
}

function flat(value: ArgValue): (string | true)[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * When `http_method` turns a form post into GET, HEAD or TRACE, Kong moves the form fields into the query
 * (joining a name already there). Returns the new query, or null when the form is empty.
 */
export function mergeFormIntoQuery(query: string, form: Args): string | null {
  if (form.size === 0) return null;
  const args = decodeArgs(query);
  for (const [name, value] of form) {
    const current = args.get(name);
    args.set(name, current === undefined ? value : [...flat(current), ...flat(value)]);
  }
  return encodeArgs(args, true);
}
