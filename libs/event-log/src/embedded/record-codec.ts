import type { LogRecord } from '../config-log';
import { crc32 } from './crc32';

/*
 * On disk every record is one frame:
 *   [u32 payload length][u32 crc32(payload)][payload]
 * and the payload is
 *   [u8 format = 1][u64 version][u64 timestamp ms][i32 key length, -1 for null][key utf8][value]
 * All integers are big-endian.
 */
export const FRAME_HEADER_BYTES = 8;
const FORMAT = 1;
const PAYLOAD_FIXED_BYTES = 1 + 8 + 8 + 4;
export const MIN_PAYLOAD_BYTES = PAYLOAD_FIXED_BYTES;

export function frameSize(key: string | null, value: Buffer): number {
  return FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES + (key === null ? 0 : Buffer.byteLength(key)) + value.length;
}

/** Writes a u64 (a safe integer) big-endian without going through BigInt. */
function writeU64(buffer: Buffer, value: number, at: number): number {
  buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
  return buffer.writeUInt32BE(value >>> 0, at + 4);
}

/**
 * Encodes `record` as a frame into `buffer` at `at` (which must have room for `frameSize`); returns the offset after
 * it. `key` is the record's key as UTF-8, when the caller already encoded it. The same bytes as `encodeFrame`.
 */
export function encodeFrameInto(record: LogRecord, buffer: Buffer, at: number, key: Buffer | null): number {
  const keyLength = key === null ? 0 : key.length;
  const payloadLength = PAYLOAD_FIXED_BYTES + keyLength + record.value.length;
  const start = at + FRAME_HEADER_BYTES;
  buffer.writeUInt32BE(payloadLength, at);
  let next = buffer.writeUInt8(FORMAT, start);
  next = writeU64(buffer, record.version, next);
  next = writeU64(buffer, record.timestamp, next);
  next = buffer.writeInt32BE(key === null ? -1 : keyLength, next);
  if (key !== null) next += key.copy(buffer, next);
  next += record.value.copy(buffer, next);
  buffer.writeUInt32BE(crc32(buffer.subarray(start, next)), at + 4);
  return next;
}

export function encodeFrame(record: LogRecord): Buffer {
  const key = record.key === null ? null : Buffer.from(record.key, 'utf8');
  const payloadLength = PAYLOAD_FIXED_BYTES + (key?.length ?? 0) + record.value.length;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(FORMAT, at);
  at = frame.writeBigUInt64BE(BigInt(record.version), at);
  at = frame.writeBigUInt64BE(BigInt(record.timestamp), at);
  at = frame.writeInt32BE(key === null ? -1 : key.length, at);
  if (key) at += key.copy(frame, at);
  record.value.copy(frame, at);
  frame.writeUInt32BE(payloadLength, 0);
  frame.writeUInt32BE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

/** Reads a u64 big-endian as a number without going through BigInt (versions and times are safe integers). */
function readU64(buffer: Buffer, at: number): number {
  return buffer.readUInt32BE(at) * 0x1_0000_0000 + buffer.readUInt32BE(at + 4);
}

export type FrameCheck =
  | { readonly ok: true; readonly record: LogRecord; readonly size: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks and decodes the frame starting at `at` in `buffer`. The buffer must reach at least the end
 * of the file or the end of the frame; a frame that runs past the buffer is reported as incomplete.
 */
export function decodeFrame(buffer: Buffer, at: number, maxPayloadBytes: number): FrameCheck {
  if (buffer.length - at < FRAME_HEADER_BYTES) return { ok: false, reason: 'incomplete frame header' };
  const length = buffer.readUInt32BE(at);
  if (length < MIN_PAYLOAD_BYTES || length > maxPayloadBytes) {
    return { ok: false, reason: `implausible payload length ${length}` };
  }
  const start = at + FRAME_HEADER_BYTES;
  if (start + length > buffer.length) return { ok: false, reason: 'incomplete record' };
  const payload = buffer.subarray(start, start + length);
  if (payload[0] !== FORMAT) return { ok: false, reason: `unknown record format ${payload[0]}` };
  if (crc32(payload) !== buffer.readUInt32BE(at + 4)) return { ok: false, reason: 'checksum mismatch' };
  const keyLength = payload.readInt32BE(17);
  if (keyLength < -1 || PAYLOAD_FIXED_BYTES + Math.max(keyLength, 0) > length) {
    return { ok: false, reason: `implausible key length ${keyLength}` };
  }
  const valueStart = PAYLOAD_FIXED_BYTES + Math.max(keyLength, 0);
  const record: LogRecord = {
    version: readU64(payload, 1),
    timestamp: readU64(payload, 9),
    key: keyLength < 0 ? null : payload.toString('utf8', PAYLOAD_FIXED_BYTES, valueStart),
    // A copy, so a subscriber that keeps the value does not pin the whole read buffer.
    value: Buffer.from(payload.subarray(valueStart)),
  };
  return { ok: true, record, size: FRAME_HEADER_BYTES + length };
}
