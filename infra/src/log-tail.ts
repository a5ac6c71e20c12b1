import * as fs from 'node:fs';

/** The last `lines` lines of a text file; reads at most the last `maxBytes` bytes. Empty if missing. */
export function tailLines(file: string, lines: number, maxBytes = 256 * 1024): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (all.length > 0 && all[all.length - 1] === '') all.pop();
    if (length < size) all.shift(); // first line is probably cut
    return all.slice(-lines);
  } finally {
    fs.closeSync(fd);
  }
}

/** A printable block with the tail of each existing, non-empty log. */
export function formatLogTails(files: readonly { file: string; lines: number }[]): string {
  const blocks: string[] = [];
  for (const { file, lines } of files) {
    const tail = tailLines(file, lines);
    if (tail.length === 0) continue;
    blocks.push(`----- last ${tail.length} lines of ${file} -----\n${tail.join('\n')}`);
  }
  return blocks.length > 0 ? blocks.join('\n') : '(no log output yet)';
}
