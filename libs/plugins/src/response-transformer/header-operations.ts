import type { IncomingHttpHeaders } from 'node:http';
import { splitColonPair } from '../shared/colon-pairs';
import type { ResponseTransformerConfig } from './schema';

interface HeaderPair {
  readonly name: string;
  readonly value: string | null;
}

/** The header operations of a config, names lower-cased once. */
export interface HeaderOperations {
  readonly remove: readonly string[];
  readonly rename: readonly HeaderPair[];
  readonly replace: readonly HeaderPair[];
  readonly add: readonly HeaderPair[];
  readonly append: readonly HeaderPair[];
  /** Existence checks must see the headers as they were before removing or renaming. */
  readonly snapshot: boolean;
}

function pairs(entries: readonly string[]): HeaderPair[] {
  return entries.flatMap((entry) => {
    const pair = splitColonPair(entry);
    return pair === null ? [] : [{ name: pair.name.toLowerCase(), value: pair.value }];
  });
}

export function compileHeaderOperations(config: ResponseTransformerConfig): HeaderOperations {
  const remove = config.remove.headers.map((e) => (splitColonPair(e)?.name ?? e).toLowerCase());
  const rename = pairs(config.rename.headers).map((p) => ({ name: p.name, value: p.value?.toLowerCase() ?? null }));
  return {
    remove,
    rename,
    replace: pairs(config.replace.headers),
    add: pairs(config.add.headers),
    append: pairs(config.append.headers),
    snapshot: remove.length + rename.length > 0,
  };
}

function appended(current: string | string[] | undefined, value: string): string | string[] {
  if (current === undefined) return value;
  return Array.isArray(current) ? [...current, value] : [current, value];
}

/**
 * Kong's response header transformations: remove, rename, replace, add, append. As in Kong, rename, replace and
 * add test the headers the response arrived with (`kong.response.get_headers()` taken once), not the ones the
 * earlier operations left. Returns those headers, for the content-type test.
 */
export function transformResponseHeaders(h: IncomingHttpHeaders, ops: HeaderOperations): IncomingHttpHeaders {
  const before = ops.snapshot ? { ...h } : h;
  for (const name of ops.remove) delete h[name];
  for (const { name, value: target } of ops.rename) {
    const value = before[name];
    if (value === undefined || target === null) continue;
    h[target] = value;
    if (target !== name) delete h[name];
  }
  for (const { name, value } of ops.replace) if (value !== null && before[name] !== undefined) h[name] = value;
  for (const { name, value } of ops.add) if (value !== null && before[name] === undefined) h[name] = value;
  for (const { name, value } of ops.append) if (value !== null) h[name] = appended(h[name], value);
  return before;
}
