import { TextArena } from './text-arena';

describe('TextArena', () => {
  it('gives back every text by its number, in the order added', () => {
    const arena = new TextArena();
    const texts = ['', 'plain', '{"name":"svc"}', 'ünïcödé ✓', '😀 surrogate pairs 😀', ''];
    const numbers = texts.map((t) => arena.add(t));
    expect(numbers).toEqual([0, 1, 2, 3, 4, 5]);
    expect(arena.size).toBe(texts.length);
    texts.forEach((t, i) => expect(arena.get(i)).toBe(t));
  });

  it('keeps texts across chunks and grows past its initial capacity', () => {
    const arena = new TextArena();
    const big = 'x'.repeat(20 * 1024 * 1024); // larger than a chunk: a chunk of its own
    const texts: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const text = i === 2_500 ? big : `${i}:${'é'.repeat(i % 17)}`;
      texts.push(text);
      expect(arena.add(text)).toBe(i);
    }
    for (let i = 0; i < texts.length; i += 1) expect(arena.get(i)).toBe(texts[i]);
  });

  it('refuses a number it never gave', () => {
    const arena = new TextArena();
    arena.add('one');
    expect(() => arena.get(1)).toThrow(RangeError);
    expect(() => arena.get(-1)).toThrow(RangeError);
    expect(() => arena.get(0.5)).toThrow(RangeError);
  });
});
