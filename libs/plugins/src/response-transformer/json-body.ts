import { splitColonPair } from '../shared/colon-pairs';
import { jsonValue } from './json-value';
import type { ResponseTransformerConfig, ValueLists } from './schema';

type JsonScalar = string | number | boolean;
type JsonObject = Record<string, unknown>;

interface Rename {
  readonly from: string;
  readonly to: string | null;
}

interface Assign {
  readonly name: string;
  readonly value: JsonScalar;
}

/** The JSON operations of a config, with every value converted once. */
export interface JsonOperations {
  readonly remove: readonly string[];
  readonly rename: readonly Rename[];
  readonly replace: readonly Assign[];
  readonly add: readonly Assign[];
  readonly append: readonly Assign[];
  /**
   * Some JSON operation is configured, so JSON bodies are buffered and rewritten. Kong's test omits
   * `rename.json` (added in 3.8), which alone would then do nothing; Gantry counts it.
   */
  readonly any: boolean;
}

function names(entries: readonly string[]): string[] {
  return entries.map((e) => splitColonPair(e)?.name ?? e);
}

// Entries whose number does not parse are dropped here, as Kong skips them on every response.
function assignments(lists: ValueLists): Assign[] {
  const out: Assign[] = [];
  lists.json.forEach((entry, i) => {
    const pair = splitColonPair(entry);
    if (pair === null) return;
    const value = jsonValue(pair.value, lists.json_types[i]);
    if (value !== undefined) out.push({ name: pair.name, value });
  });
  return out;
}

export function compileJsonOperations(config: ResponseTransformerConfig): JsonOperations {
  const remove = names(config.remove.json);
  const rename = config.rename.json.flatMap((e) => {
    const pair = splitColonPair(e);
    return pair === null ? [] : [{ from: pair.name, to: pair.value }];
  });
  const replace = assignments(config.replace);
  const add = assignments(config.add);
  const append = assignments(config.append);
  const any =
    config.remove.json.length + config.rename.json.length + config.replace.json.length > 0 ||
    config.add.json.length + config.append.json.length > 0;
  return { remove, rename, replace, add, append, any };
}

function has(object: JsonObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, name);
}

// Lua truthiness of a decoded value: JSON null decodes to a truthy sentinel; only absent and false fail.
function truthy(object: JsonObject, name: string): boolean {
  return has(object, name) && object[name] !== false;
}

// Defined rather than assigned, so that a key named `__proto__` stays a key.
function put(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Kong's `append_value`: a string becomes a list, a table grows (an object gets key `1`), else a new list. */
function appended(current: unknown, value: JsonScalar): unknown {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...(current as unknown[]), value];
  if (typeof current === 'object' && current !== null) {
    const copy = { ...(current as JsonObject) };
    put(copy, '1', value);
    return copy;
  }
  return [value];
}

/**
 * Applies the JSON operations to a response body (top-level keys only, as Kong's open-source plugin does).
 * Returns null when the body is not a JSON object, which is then sent as it is.
 */
export function transformJsonBody(body: Buffer, ops: JsonOperations): Buffer | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as JsonObject;
  for (const name of ops.remove) delete o[name];
  for (const { from, to } of ops.rename) {
    if (!has(o, from) || to === null) continue;
    const value = o[from];
    put(o, to, value);
    delete o[from];
  }
  for (const { name, value } of ops.replace) if (truthy(o, name)) put(o, name, value);
  for (const { name, value } of ops.add) if (!truthy(o, name)) put(o, name, value);
  for (const { name, value } of ops.append) put(o, name, appended(o[name], value));
  return Buffer.from(JSON.stringify(o));
}
