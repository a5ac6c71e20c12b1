import type { FileHandle } from 'node:fs/promises';
import { LogCorruptError } from '../errors';
import { FRAME_HEADER_BYTES, MIN_PAYLOAD_BYTES, decodeFrame } from './record-codec';
import { readAt } from './file-io';

export interface ScanLimits {
  /** Largest payload length a frame header may claim. */
  readonly maxPayloadBytes: number;
  /** Longest tail that can come from one unfinished write; anything longer cannot be torn, only corrupt. */
  readonly tornTailLimit: number;
}

export interface TornTail {
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface ScanResult {
  /** Byte offset of every record's frame: `offsets[v - 1]` is where version v starts. */
  readonly offsets: number[];
  /** Length of the file up to the end of the last whole record. */
  readonly validBytes: number;
  /** A torn final write (a crash mid-append) that the caller truncates away; null when the file is clean. */
  readonly tornTail: TornTail | null;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads the whole log once, checking every frame, and builds the version → offset index.
 *
 * A bad frame is a torn tail only when no valid record follows it: a crash can tear the last write,
 * but it cannot produce a good record after a bad one. A bad frame with good records after it is
 * corruption, and recovering from it would silently drop acknowledged writes, so it stops the open.
 */
export async function scanLogFile(
  file: FileHandle,
  path: string,
  size: number,
  limits: ScanLimits,
): Promise<ScanResult> {
  const offsets: number[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let bufferStart = 0;
  const ensure = async (from: number, need: number): Promise<void> => {
    const end = Math.min(size, from + need);
    if (from >= bufferStart && end <= bufferStart + buffer.length) return;
    buffer = await readAt(file, from, Math.max(Math.min(CHUNK_BYTES, size - from), end - from));
    bufferStart = from;
  };

  let position = 0;
  while (position < size) {
    await ensure(position, FRAME_HEADER_BYTES);
    if (size - position >= FRAME_HEADER_BYTES) {
      const length = buffer.readUInt32BE(position - bufferStart);
      if (length <= limits.maxPayloadBytes) await ensure(position, FRAME_HEADER_BYTES + length);
    }
    const frame = decodeFrame(buffer, position - bufferStart, limits.maxPayloadBytes);
    if (!frame.ok) {
      const tornTail = await classifyBadFrame(file, path, size, position, frame.reason, offsets.length, limits);
      return { offsets, validBytes: position, tornTail };
    }
    const expected = offsets.length + 1;
    if (frame.record.version !== expected) {
      throw new LogCorruptError(`record has version ${frame.record.version}, expected ${expected}`, path, position);
    }
    offsets.push(position);
    position += frame.size;
  }
  return { offsets, validBytes: position, tornTail: null };
}

async function classifyBadFrame(
  file: FileHandle,
  path: string,
  size: number,
  offset: number,
  reason: string,
  lastVersion: number,
  limits: ScanLimits,
): Promise<TornTail> {
  const bytes = size - offset;
  if (bytes > limits.tornTailLimit) {
    throw new LogCorruptError(`${reason}, with ${bytes} bytes after it: more than one write can tear`, path, offset);
  }
  const tail = await readAt(file, offset, bytes);
  const next = findValidFrame(tail, 1, lastVersion, limits.maxPayloadBytes);
  if (next) {
    throw new LogCorruptError(
      `${reason} in the middle of the log: version ${next.version} is intact at byte offset ${offset + next.at}`,
      path,
      offset,
    );
  }
  return { offset, bytes, reason };
}

/** The first offset at or after `from` where a whole, checksummed frame newer than `lastVersion` starts. */
function findValidFrame(
  buffer: Buffer,
  from: number,
  lastVersion: number,
  maxPayloadBytes: number,
): { at: number; version: number } | null {
  for (let at = from; at <= buffer.length - FRAME_HEADER_BYTES - MIN_PAYLOAD_BYTES; at++) {
    const frame = decodeFrame(buffer, at, maxPayloadBytes);
    if (frame.ok && frame.record.version > lastVersion) return { at, version: frame.record.version };
  }
  return null;
}
