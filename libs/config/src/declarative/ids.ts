import { createHash } from 'node:crypto';

// Fixed namespace so ids derived from the same names are the same on every node and every import.
const NAMESPACE = Buffer.from('6a1f1d5c7e3b4e0fa1c2d3e4f5a6b7c8', 'hex');

/** A name-based (version 5 style, sha1) uuid: the same name always gives the same id. */
export function deterministicUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
