/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` object members dropped. Equal
 * values always give identical strings, so the output can be hashed. Throws on values JSON cannot represent
 * (non-finite numbers, bigint, functions, symbols, `undefined` array elements) rather than silently changing
 * them.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (item === undefined) throw new TypeError('canonicalJson: undefined array element');
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
    return;
  }
  // Plain objects from any realm (vm contexts, structuredClone) have a root prototype; Date, Map and class
  // instances do not.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw new TypeError(`canonicalJson: cannot encode an instance of ${value.constructor.name}`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(k), ':');
    write(record[k], out);
  });
  out.push('}');
}
