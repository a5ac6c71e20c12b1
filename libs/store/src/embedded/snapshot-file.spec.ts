import fc from 'fast-check';
import { decodeSnapshotFile, encodeSnapshotFile } from './snapshot-file';

const encode = (payload: Buffer) =>
  Buffer.concat(encodeSnapshotFile({ version: 7, hash: 'h'.repeat(64), takenAt: 123, payload }));

describe('snapshot file format', () => {
  it('round-trips a snapshot', () => {
    const payload = Buffer.from('{"state":1}');
    expect(decodeSnapshotFile(encode(payload))).toEqual({ version: 7, hash: 'h'.repeat(64), takenAt: 123, payload });
  });

  it('detects every truncation (a torn write)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const file = encode(Buffer.from(bytes));
        const length = cut % file.length;
        expect(() => decodeSnapshotFile(file.subarray(0, length))).toThrow(/snapshot file/);
      }),
    );
  });

  it('detects any damaged byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, flip) => {
          const file = Buffer.from(encode(Buffer.from(bytes)));
          const index = at % file.length;
          file[index] ^= flip;
          expect(() => decodeSnapshotFile(file)).toThrow();
        },
      ),
    );
  });
});
