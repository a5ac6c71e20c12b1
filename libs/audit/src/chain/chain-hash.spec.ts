import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { GENESIS_HASH, chainHash, chainInput, isChainHash } from './chain-hash';

const record = (version: number, value: string | Buffer) => ({
  version,
  value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
});

describe('chain hash', () => {
  it('hashes the canonical JSON of format, version, previous hash and the event', () => {
    const input = chainInput(record(7, '{"b":1,"a":{"d":[1,2],"c":"x"}}'), GENESIS_HASH);
    expect(input).toBe(
      `{"chain":"gantry.audit-chain","chain_version":1,"event":{"a":{"c":"x","d":[1,2]},"b":1},` +
        `"prev_hash":"${GENESIS_HASH}","version":7}`,
    );
    expect(chainHash(record(7, '{"b":1,"a":{"d":[1,2],"c":"x"}}'), GENESIS_HASH)).toBe(
      createHash('sha256').update(input).digest('hex'),
    );
  });

  it('is the same for the same event encoded differently, and differs for any change of meaning', () => {
    const base = chainHash(record(3, '{"actor":"alice","n":1}'), GENESIS_HASH);
    expect(chainHash(record(3, '{ "n": 1.0, "actor": "alice" }'), GENESIS_HASH)).toBe(base);
    expect(chainHash(record(3, '{"actor":"alicE","n":1}'), GENESIS_HASH)).not.toBe(base);
    expect(chainHash(record(4, '{"actor":"alice","n":1}'), GENESIS_HASH)).not.toBe(base);
    expect(chainHash(record(3, '{"actor":"alice","n":1}'), 'f'.repeat(64))).not.toBe(base);
    expect(isChainHash(base)).toBe(true);
  });

  it('carries values that are not UTF-8 JSON as raw bytes, so every byte counts', () => {
    expect(chainInput(record(1, 'not json'), GENESIS_HASH)).toContain(
      `"raw":"${Buffer.from('not json').toString('base64')}"`,
    );
    // Two invalid UTF-8 sequences decode to the same U+FFFD: they must not hash alike.
    const a = chainHash(record(1, Buffer.from([0x22, 0xff, 0x22])), GENESIS_HASH);
    const b = chainHash(record(1, Buffer.from([0x22, 0xfe, 0x22])), GENESIS_HASH);
    expect(a).not.toBe(b);
    expect(chainInput(record(1, '1e400'), GENESIS_HASH)).toContain('"raw":');
  });

  it('treats a value as text exactly when it decodes and encodes back to the same bytes', () => {
    const roundTrips = (bytes: Buffer) => Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
    const asText = (bytes: Buffer) => !chainInput(record(1, bytes), GENESIS_HASH).includes('"raw":');
    // JSON strings around arbitrary bytes, and around text with lone surrogates, overlong forms and the like.
    const quoted = (inner: Uint8Array) => Buffer.concat([Buffer.from('"'), Buffer.from(inner), Buffer.from('"')]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 12 }),
          fc.string({ unit: 'binary', maxLength: 8 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
          fc
            .array(fc.constantFrom(0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0xe2, 0x82, 0xac, 0x41), { maxLength: 8 })
            .map((bytes) => Uint8Array.from(bytes)),
        ),
        (inner) => {
          const value = quoted(inner.map((b) => (b === 0x22 || b === 0x5c ? 0x41 : b)));
          // A quoted run of valid UTF-8 (quotes and backslashes swapped out) is JSON unless it holds control bytes.
          if (roundTrips(value) && !value.some((b) => b < 0x20)) expect(asText(value)).toBe(true);
          if (!roundTrips(value)) expect(asText(value)).toBe(false);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
