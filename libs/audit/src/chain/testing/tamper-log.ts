import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame, encodeFrame } from '../../../../event-log/src/embedded/record-codec';

/**
 * Rewrites one record of a closed embedded log in place, with a valid frame checksum, as someone with write access
 * to the data directory could: the log opens normally afterwards, only the hash chain can tell.
 */
export async function rewriteEmbeddedRecord(
  dataDir: string,
  version: number,
  change: (value: Buffer) => Buffer,
): Promise<void> {
  const path = join(dataDir, 'log', 'config.log');
  const file = await readFile(path);
  const frames: Buffer[] = [];
  for (let at = 0; at < file.length;) {
    const frame = decodeFrame(file, at, file.length);
    if (!frame.ok) throw new Error(`cannot read the log at byte ${at}: ${frame.reason}`);
    const { record } = frame;
    frames.push(
      record.version === version
        ? encodeFrame({ ...record, value: change(record.value) })
        : file.subarray(at, at + frame.size),
    );
    at += frame.size;
  }
  await writeFile(path, Buffer.concat(frames));
}
