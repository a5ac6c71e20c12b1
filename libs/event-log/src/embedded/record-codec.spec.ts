import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { crc32, crc32Portable } from './crc32';
import { FRAME_HEADER_BYTES, decodeFrame, encodeFrame, encodeFrameInto, frameSize } from './record-codec';

describe('crc32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('portable and native implementations agree', () => {
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(i * 37);
      expect(crc32Portable(data)).toBe(crc32(data));
    }
  });
});

describe('record frames', () => {
  it('round-trip any record, and frameSize predicts the encoded length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.option(fc.string(), { nil: null }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        (version, key, bytes, timestamp) => {
          const value = Buffer.from(bytes);
          const frame = encodeFrame({ version, key, value, timestamp });
          expect(frame.length).toBe(frameSize(key, value));
          const decoded = decodeFrame(frame, 0, 1 << 20);
          expect(decoded).toEqual({ ok: true, size: frame.length, record: { version, key, value, timestamp } });
          // encodeFrameInto writes the same bytes in place, after whatever the buffer already holds.
          const into = Buffer.alloc(3 + frame.length);
          const keyBytes = key === null ? null : Buffer.from(key, 'utf8');
          expect(encodeFrameInto({ version, key, value, timestamp }, into, 3, keyBytes)).toBe(into.length);
          expect(into.subarray(3)).toEqual(frame);
        },
      ),
    );
  });

  it('reports a flipped payload byte as a checksum mismatch', () => {
    const frame = encodeFrame({ version: 1, key: 'k', value: Buffer.from('value'), timestamp: 0 });
    frame[FRAME_HEADER_BYTES + 24] ^= 1;
    expect(decodeFrame(frame, 0, 1 << 20)).toEqual({ ok: false, reason: 'checksum mismatch' });
  });

  it('reports a frame that runs past the data as incomplete', () => {
    const frame = encodeFrame({ version: 1, key: null, value: Buffer.from('value'), timestamp: 0 });
    expect(decodeFrame(frame.subarray(0, frame.length - 1), 0, 1 << 20)).toEqual({
      ok: false,
      reason: 'incomplete record',
    });
    expect(decodeFrame(frame.subarray(0, 5), 0, 1 << 20)).toEqual({ ok: false, reason: 'incomplete frame header' });
  });

  it('rejects lengths no record can have', () => {
    const zeros = Buffer.alloc(64);
    expect(decodeFrame(zeros, 0, 1 << 20)).toMatchObject({ ok: false, reason: 'implausible payload length 0' });
  });
});
