import { createHash } from 'node:crypto';
import type { SnapshotRecord } from '../snapshot-store';

const MAGIC = Buffer.from('GNTRYSN1', 'ascii');
const DIGEST_BYTES = 32;

interface Header {
  version: number;
  hash: string;
  takenAt: number;
  payloadBytes: number;
}

/**
 * One snapshot file: `[magic "GNTRYSN1"][u32 header length][header JSON][payload][sha256 of header JSON + payload]`.
 * The trailing digest makes a torn write (the file is shorter) and a damaged one (bytes differ) both detectable.
 */
export function encodeSnapshotFile(snapshot: SnapshotRecord): Buffer[] {
  const header: Header = {
    version: snapshot.version,
    hash: snapshot.hash,
    takenAt: snapshot.takenAt,
    payloadBytes: snapshot.payload.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const digest = createHash('sha256').update(headerBytes).update(snapshot.payload).digest();
  return [MAGIC, length, headerBytes, snapshot.payload, digest];
}

/** Parses and verifies a snapshot file; throws with the reason when it is torn or damaged. */
export function decodeSnapshotFile(data: Buffer): SnapshotRecord {
  if (data.length < MAGIC.length + 4 + DIGEST_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not a snapshot file (bad magic or too short)');
  }
  const headerLength = data.readUInt32BE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const payloadStart = headerStart + headerLength;
  if (payloadStart + DIGEST_BYTES > data.length) throw new Error('torn snapshot file (header cut short)');
  let header: Header;
  try {
    header = JSON.parse(data.subarray(headerStart, payloadStart).toString('utf8')) as Header;
  } catch {
    throw new Error('damaged snapshot file (header is not JSON)');
  }
  const payloadEnd = payloadStart + header.payloadBytes;
  if (payloadEnd + DIGEST_BYTES !== data.length) {
    throw new Error(`torn snapshot file (${data.length} bytes, expected ${payloadEnd + DIGEST_BYTES})`);
  }
  const digest = createHash('sha256').update(data.subarray(headerStart, payloadEnd)).digest();
  if (!digest.equals(data.subarray(payloadEnd))) throw new Error('damaged snapshot file (checksum mismatch)');
  return {
    version: header.version,
    hash: header.hash,
    takenAt: header.takenAt,
    payload: data.subarray(payloadStart, payloadEnd),
  };
}
