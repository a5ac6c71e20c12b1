/**
 * A 32-bit string hash: FNV-1a over UTF-16 code units, finished with MurmurHash3's avalanche step so that
 * near-identical inputs ("10.0.0.1:80 1", "10.0.0.1:80 2") land far apart on the ring. Allocation-free.
 */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
