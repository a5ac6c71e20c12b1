import fc from 'fast-check';
import { Utf8Blocks } from './utf8-blocks';

describe('Utf8Blocks', () => {
  it('holds exactly the UTF-8 of the texts written, in order, and hands back each one', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), (texts) => {
        const out = new Utf8Blocks();
        for (const text of texts) expect(out.write(text).toString('utf8')).toBe(text);
        expect(out.toBuffer().toString('utf8')).toBe(texts.join(''));
        expect(out.length).toBe(Buffer.byteLength(texts.join('')));
      }),
    );
  });

  it('spans several blocks, and takes a text larger than a block', () => {
    const out = new Utf8Blocks();
    const big = 'é'.repeat(20 * 1024 * 1024); // 40 MiB of UTF-8, more than one block
    out.write('a');
    out.write(big);
    out.write('z'.repeat(30 * 1024 * 1024));
    const all = out.toBuffer();
    expect(all.length).toBe(1 + 40 * 1024 * 1024 + 30 * 1024 * 1024);
    expect(all.subarray(0, 3).toString()).toBe('aé');
    expect(all.subarray(all.length - 1).toString()).toBe('z');
  });
});
