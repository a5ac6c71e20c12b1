import { createHash } from 'node:crypto';
import type { ChainLink } from '../event-chain';
import type { StoredLink } from '../chain-source';

/** The chain file starts with these 8 bytes. */
export const CHAIN_FILE_MAGIC = Buffer.from('GNTRYCH1', 'ascii');
const SIGNATURE_BYTES = 64;
const CHECK_BYTES = 4;
/** `[u64 version][32 prev hash][32 hash][u8 signature length][64 signature][4 check]`, big-endian. */
export const LINK_BYTES = 8 + 32 + 32 + 1 + SIGNATURE_BYTES + CHECK_BYTES;

/** One fixed-size link record; the check (4 bytes of SHA-256) only tells a torn write from a whole one. */
export function encodeLink(link: ChainLink): Buffer {
  const buffer = Buffer.alloc(LINK_BYTES);
  buffer.writeBigUInt64BE(BigInt(link.version), 0);
  buffer.write(link.prevHash, 8, 32, 'hex');
  buffer.write(link.hash, 40, 32, 'hex');
  if (link.signature !== null) {
    const signature = Buffer.from(link.signature, 'base64');
    if (signature.length !== SIGNATURE_BYTES)
      throw new Error(`an Ed25519 signature has 64 bytes, not ${signature.length}`);
    buffer.writeUInt8(SIGNATURE_BYTES, 72);
    signature.copy(buffer, 73);
  }
  check(buffer).copy(buffer, LINK_BYTES - CHECK_BYTES);
  return buffer;
}

/** Whether a record was written whole (a crash can leave zeros or half a write at the tail). */
export function isWhole(record: Buffer): boolean {
  return record.length === LINK_BYTES && check(record).equals(record.subarray(LINK_BYTES - CHECK_BYTES));
}

/**
 * The link as stored, whatever its check says: an edited hash must show as a hash mismatch, not vanish. Null when
 * the record belongs to another version (the file was shifted or spliced).
 */
export function decodeLink(record: Buffer, version: number): StoredLink | null {
  if (record.length !== LINK_BYTES || record.readBigUInt64BE(0) !== BigInt(version)) return null;
  const signatureLength = record.readUInt8(72);
  return {
    prevHash: record.toString('hex', 8, 40),
    hash: record.toString('hex', 40, 72),
    signature:
      signatureLength === 0 ? null : record.toString('base64', 73, 73 + Math.min(signatureLength, SIGNATURE_BYTES)),
  };
}

function check(record: Buffer): Buffer {
  return createHash('sha256')
    .update(record.subarray(0, LINK_BYTES - CHECK_BYTES))
    .digest()
    .subarray(0, CHECK_BYTES);
}
