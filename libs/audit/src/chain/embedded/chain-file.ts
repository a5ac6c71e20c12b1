import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readAt, syncDirectory } from '@gantry/event-log';
import type { Logger } from '@gantry/logging';
import type { StoredLink } from '../chain-source';
import { ChainFileCorruptError } from '../errors';
import type { ChainLink } from '../event-chain';
import { CHAIN_FILE_MAGIC, LINK_BYTES, decodeLink, encodeLink, isWhole } from './link-codec';

/** Links read per disk read. */
const READ_LINKS = 4096;

/**
 * The embedded chain: `<magic>` then one fixed-size link per version, version v at `8 + (v - 1) * LINK_BYTES`, so
 * any link is one positional read. Appends are written and `fdatasync`'d before they count. On open, a torn tail
 * (a partial record, or whole records whose check fails, as a crash mid-write leaves them) is cut off; nothing
 * else is ever rewritten.
 */
export class ChainFile {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private links: number,
  ) {}

  static async open(path: string, logger: Logger): Promise<ChainFile> {
    await mkdir(dirname(path), { recursive: true });
    const file = await openOrCreate(path);
    try {
      const { size } = await file.stat();
      if (size < CHAIN_FILE_MAGIC.length) {
        if (size > 0) logger.warn({ path, size }, 'rewriting a chain file header torn by a crash');
        await file.truncate(0);
        await file.write(CHAIN_FILE_MAGIC, 0, CHAIN_FILE_MAGIC.length, 0);
        await file.datasync();
        await syncDirectory(dirname(path));
        return new ChainFile(path, file, 0);
      }
      const magic = await readAt(file, 0, CHAIN_FILE_MAGIC.length);
      if (!magic.equals(CHAIN_FILE_MAGIC)) throw new ChainFileCorruptError(`${path} is not a Gantry chain file`);
      let links = Math.floor((size - CHAIN_FILE_MAGIC.length) / LINK_BYTES);
      while (links > 0 && !isWhole(await readAt(file, offsetOf(links), LINK_BYTES))) links--;
      const validBytes = offsetOf(links + 1);
      if (validBytes < size) {
        logger.warn({ path, links, cutBytes: size - validBytes }, 'cutting a torn tail off the chain file');
        await file.truncate(validBytes);
        await file.datasync();
      }
      return new ChainFile(path, file, links);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Durable links: versions `1..count`. */
  get count(): number {
    return this.links;
  }

  /** Appends the links of the next versions and fsyncs. Calls must not overlap. */
  async append(links: readonly ChainLink[]): Promise<void> {
    if (links.length === 0) return;
    links.forEach((link, i) => {
      if (link.version !== this.links + 1 + i) {
        throw new ChainFileCorruptError(`link ${link.version} does not follow link ${this.links + i} in ${this.path}`);
      }
    });
    const data = Buffer.concat(links.map(encodeLink));
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.file.write(
        data,
        written,
        data.length - written,
        offsetOf(this.links + 1) + written,
      );
      written += bytesWritten;
    }
    await this.file.datasync();
    this.links += links.length;
  }

  /** The stored links of `from..to` (within `1..count`), in order; null where a record belongs to another version. */
  async read(from: number, to: number): Promise<(StoredLink | null)[]> {
    const last = Math.min(to, this.links);
    const links: (StoredLink | null)[] = [];
    for (let start = Math.max(1, from); start <= last; start += READ_LINKS) {
      const end = Math.min(last, start + READ_LINKS - 1);
      const buffer = await readAt(this.file, offsetOf(start), (end - start + 1) * LINK_BYTES);
      for (let version = start; version <= end; version++) {
        const at = (version - start) * LINK_BYTES;
        links.push(decodeLink(buffer.subarray(at, at + LINK_BYTES), version));
      }
    }
    return links;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

function offsetOf(version: number): number {
  return CHAIN_FILE_MAGIC.length + (version - 1) * LINK_BYTES;
}

async function openOrCreate(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(path, 'w+');
  }
}
