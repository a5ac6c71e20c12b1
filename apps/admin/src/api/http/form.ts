import type { JsonObject, JsonValue } from '@gantry/config';

/**
 * Decodes form fields with Kong's conventions into a nested object of strings:
 * `config.minute=5` → `{config:{minute:'5'}}`, `hosts[]=a` appends, `hosts[2]=b` sets the 2nd element
 * (1-based, as in Lua), and a repeated name (`protocols=http&protocols=https`) becomes an array.
 * Values stay strings; {@link inferValues} turns them into the schema's types.
 */
export function decodeForm(pairs: Iterable<readonly [string, JsonValue]>): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of pairs) assign(out, parseName(name), value);
  return out;
}

/** One step of a field name: a key, optionally followed by `[]` (append) or `[n]` (position n, 1-based). */
interface Step {
  readonly key: string;
  readonly indexes: readonly (number | 'append')[];
}

const INDEX_SUFFIX = /\[(\d*)\]$/;
/** Path marker for `name[]`: append to the array. */
const APPEND = Symbol('append');

function parseStep(segment: string): Step {
  const indexes: (number | 'append')[] = [];
  let key = segment;
  for (let m = INDEX_SUFFIX.exec(key); m !== null && m.index > 0; m = INDEX_SUFFIX.exec(key)) {
    indexes.unshift(m[1] === '' ? 'append' : Math.max(1, Number(m[1])));
    key = key.slice(0, m.index);
  }
  return { key, indexes };
}

function parseName(name: string): Step[] {
  // A name that starts or ends with a dot is taken literally, as Kong does.
  if (name.startsWith('.') || name.endsWith('.') || !name.includes('.')) return [parseStep(name)];
  return name.split('.').map(parseStep);
}

type Container = JsonObject | JsonValue[];

function get(container: Container, key: string | number): JsonValue | undefined {
  return Array.isArray(container) ? container[key as number] : container[key as string];
}

function set(container: Container, key: string | number, value: JsonValue): void {
  if (Array.isArray(container)) {
    const index = key as number;
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    container[key as string] = value;
  }
}

function assign(root: JsonObject, steps: readonly Step[], value: JsonValue): void {
  // Flatten the steps into a path of object keys and array positions.
  const path: (string | number | typeof APPEND)[] = [];
  for (const step of steps) path.push(step.key, ...step.indexes.map((i) => (i === 'append' ? APPEND : i - 1)));
  let node: Container = root;
  for (let i = 0; i < path.length; i++) {
    const last = i === path.length - 1;
    const step = path[i];
    const key = step === APPEND ? (node as JsonValue[]).length : step;
    const next = path[i + 1];
    if (last) {
      const existing = get(node, key);
      if (existing === undefined || Array.isArray(node)) set(node, key, value);
      else if (Array.isArray(existing)) existing.push(value);
      else set(node, key, [existing, value]);
      return;
    }
    const wantArray = next === APPEND || typeof next === 'number';
    let child = get(node, key);
    if (wantArray && !Array.isArray(child)) {
      child = child === undefined || child === null || typeof child === 'object' ? [] : [child];
      set(node, key, child);
    } else if (!wantArray && (typeof child !== 'object' || child === null || Array.isArray(child))) {
      child = {};
      set(node, key, child);
    }
    node = child as Container;
  }
}
