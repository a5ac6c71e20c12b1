import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array) => number;

/** Table-driven CRC-32 (IEEE), for Node releases before 20.15 that lack `zlib.crc32`. */
export function crc32Portable(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

// package.json allows Node 20.11, and zlib.crc32 arrived in 20.15; the native one is ~10x faster.
const native = (zlib as { crc32?: Crc32 }).crc32;

/** CRC-32 (IEEE) of `data`, as an unsigned 32-bit integer. */
export const crc32: Crc32 = native ? (data) => native(data) >>> 0 : crc32Portable;
