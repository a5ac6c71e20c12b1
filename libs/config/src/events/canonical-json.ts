/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` object members dropped. Equal
 * values always give identical strings, so the output can be hashed. Throws on values JSON cannot represent
 * (non-finite numbers, bigint, functions, symbols, `undefined` array elements) rather than silently changing
 * them.
 */
export function canonicalJson(value: unknown): string {
  return encode(value);
}

// Built by string concatenation rather than an array of parts joined at the end: state hashes and the audit chain
// encode every entity, and this is about twice as fast. The output is the same (canonical-json.spec.ts checks it
// against the parts-based original).
function encode(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value);
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

function encodeArray(array: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (item === undefined) {
      // A hole of a sparse array is skipped (as Array.prototype.forEach does); an undefined element cannot be encoded.
      if (!(i in array)) continue;
      throw new TypeError('canonicalJson: undefined array element');
    }
    if (i > 0) out += ',';
    out += encode(item);
  }
  return out + ']';
}

/** One key order seen before: the keys as `Object.keys` listed them, and what to write for each once sorted. */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  /** `"key":` per sorted key, for the first member written. */
  readonly first: readonly string[];
  /** `,"key":` per sorted key, for the others. */
  readonly next: readonly string[];
}

/** Shapes by their first key. Entities of one kind share a handful, so sorting and quoting happen once per shape. */
const shapes = new Map<string, Shape[]>();
let shapeCount = 0;
/** Beyond this many shapes (arbitrary maps in plugin configs), objects are sorted one by one instead. */
const MAX_SHAPES = 2_048;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeOf(keys: string[]): Shape {
  const candidates = shapes.get(keys[0]);
  if (candidates !== undefined) for (const shape of candidates) if (sameKeys(shape.keys, keys)) return shape;
  const sorted = [...keys].sort();
  const shape: Shape = {
    keys,
    sorted,
    first: sorted.map((key) => `${JSON.stringify(key)}:`),
    next: sorted.map((key) => `,${JSON.stringify(key)}:`),
  };
  if (shapeCount < MAX_SHAPES) {
    shapeCount++;
    if (candidates === undefined) shapes.set(keys[0], [shape]);
    else candidates.push(shape);
  }
  return shape;
}

function encodeObject(value: object): string {
  // Plain objects from any realm (vm contexts, structuredClone) have a root prototype; Date, Map and class
  // instances do not.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw new TypeError(`canonicalJson: cannot encode an instance of ${value.constructor.name}`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return '{}';
  const { sorted, first, next } = shapeOf(keys);
  let out = '{';
  let written = false;
  for (let i = 0; i < sorted.length; i++) {
    const member = record[sorted[i]];
    if (member === undefined) continue;
    out += written ? next[i] : first[i];
    out += encode(member);
    written = true;
  }
  return out + '}';
}
