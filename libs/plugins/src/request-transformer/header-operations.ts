import type { IncomingHttpHeaders } from 'node:http';
import { PluginError } from '../runtime/errors';
import { isHeaderName, isHeaderValue } from '../shared/colon-pairs';
import { render, type OperationLists } from './operations';
import type { TemplateSources } from './template';

function checkedValue(name: string, value: string): string {
  // A template can carry request data into a header; nginx (and Node) refuse control characters there.
  if (!isHeaderValue(value)) throw new PluginError('bad-request', `invalid header value for "${name}"`, 500);
  return value;
}

function appended(current: string | string[] | undefined, value: string): string | string[] {
  if (current === undefined) return value;
  return Array.isArray(current) ? [...current, value] : [current, value];
}

/**
 * Kong's header transformations on the upstream request headers: remove, rename, replace, add, append. `host`
 * is out of reach of remove, rename, add and append; replacing it always sets it (the upstream Host).
 */
export function transformHeaders(h: IncomingHttpHeaders, ops: OperationLists, sources: TemplateSources): void {
  for (const op of ops.remove) if (op.lower !== 'host') delete h[op.lower];

  for (const op of ops.rename) {
    const target = render(op, sources)?.toLowerCase();
    if (target === undefined || target === op.lower || op.lower === 'host') continue;
    const value = h[op.lower];
    if (value === undefined) continue;
    if (!isHeaderName(target)) throw new PluginError('bad-request', `invalid header name "${target}"`, 500);
    delete h[op.lower];
    h[target] = value;
  }

  for (const op of ops.replace) {
    if (op.value === null || (h[op.lower] === undefined && op.lower !== 'host')) continue;
    h[op.lower] = checkedValue(op.name, op.value.render(sources));
  }

  for (const op of ops.add) {
    if (op.value === null || h[op.lower] !== undefined || op.lower === 'host') continue;
    h[op.lower] = checkedValue(op.name, op.value.render(sources));
  }

  for (const op of ops.append) {
    if (op.value === null || op.lower === 'host') continue;
    h[op.lower] = appended(h[op.lower], checkedValue(op.name, op.value.render(sources)));
  }
}
