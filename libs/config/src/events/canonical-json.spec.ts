import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

/** The first implementation (an array of parts, joined): the output every stored hash was made with. */
function partsCanonicalJson(value: unknown): string {
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

function outcome(encode: (value: unknown) => string, value: unknown): string {
  try {
    return `ok ${encode(value)}`;
  } catch (error) {
    return `throws ${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('canonicalJson matches the original implementation byte for byte', () => {
  it('on JSON values (unicode keys and strings, nesting, numbers)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(partsCanonicalJson(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('on anything else, throwing where it threw (sparse arrays, undefined, NaN, instances, null prototypes)', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(outcome(canonicalJson, value)).toBe(outcome(partsCanonicalJson, value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the hole and comma behaviour of sparse arrays', () => {
    // eslint-disable-next-line no-sparse-arrays
    for (const value of [[, 1], [1, , 2], [, , 3], new Array(2)]) {
      expect(canonicalJson(value)).toBe(partsCanonicalJson(value));
    }
    expect(canonicalJson([, 1])).toBe('[,1]'); // eslint-disable-line no-sparse-arrays
  });
});
