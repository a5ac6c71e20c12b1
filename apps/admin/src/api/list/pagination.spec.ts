import { isKongError } from '@gantry/config';
import { decodeOffset, encodeOffset, paginate, parsePageSize } from './pagination';

describe('page size', () => {
  it('defaults to 100 and accepts 1..1000', () => {
    expect(parsePageSize(null)).toBe(100);
    expect(parsePageSize('1')).toBe(1);
    expect(parsePageSize('1000')).toBe(1000);
  });

  it("answers Kong's code 9 otherwise", () => {
    expect(parsePageSize('abc')).toMatchObject({ code: 9, name: 'invalid size', message: 'size must be a number' });
    for (const bad of ['0', '1001', '1.5', '-3']) {
      expect(parsePageSize(bad)).toMatchObject({ code: 9, message: 'size must be an integer between 1 and 1000' });
    }
  });
});

describe('offset tokens', () => {
  it('round-trip opaque keys', () => {
    const token = encodeOffset('b1c1-…-id');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOffset(token)).toBe('b1c1-…-id');
    expect(decodeOffset(null)).toBeUndefined();
    expect(decodeOffset('')).toBeUndefined();
  });

  it("answers Kong's code 7 for tokens it did not issue", () => {
    const bad = decodeOffset('not base64!');
    expect(isKongError(bad) && bad).toMatchObject({
      code: 7,
      name: 'invalid offset',
      message: "'not base64!' is not a valid offset: bad base64 encoding",
    });
    const foreign = decodeOffset(Buffer.from('something else').toString('base64url'));
    expect(isKongError(foreign)).toBe(true);
  });
});

describe('paginate', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const key = (s: string) => s;

  it('cuts pages after the cursor and omits the cursor on the last page', () => {
    const first = paginate(items, key, 2);
    expect(first.data).toEqual(['a', 'b']);
    const second = paginate(items, key, 2, decodeOffset(first.offset!) as string);
    expect(second.data).toEqual(['c', 'd']);
    const last = paginate(items, key, 2, decodeOffset(second.offset!) as string);
    expect(last).toEqual({ data: ['e'] });
    expect(paginate(items, key, 5)).toEqual({ data: items });
    expect(paginate([], key, 5)).toEqual({ data: [] });
  });

  it('stays stable when the item under the cursor is gone', () => {
    expect(paginate(['a', 'c', 'd'], key, 10, 'b').data).toEqual(['c', 'd']);
  });
});
