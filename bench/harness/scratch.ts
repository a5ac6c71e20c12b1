import { randomBytes } from 'node:crypto';
import { mkdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** statfs f_type magic numbers of the file systems one is likely to meet (linux/magic.h). */
const FILE_SYSTEMS: Readonly<Record<number, string>> = {
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x2fc12fc1: 'zfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x6969: 'nfs',
  0x65735546: 'fuse',
};

/** The file system under `path` (`ext4`, `tmpfs`...), or its magic number in hex. */
export async function fileSystemOf(path: string): Promise<string> {
  try {
    const { type } = await statfs(path);
    return FILE_SYSTEMS[type] ?? `0x${type.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

/**
 * Empty directories for benchmarks that write to disk, under `parent` (bench/results, on the
 * repository's disk like .infra, and git-ignored as `*.tmp`), all removed by cleanup().
 */
export function scratchSpace(parent: string): {
  dir: (prefix: string) => Promise<string>;
  cleanup: () => Promise<void>;
} {
  const made: string[] = [];
  return {
    dir: async (prefix) => {
      const dir = join(parent, `${prefix}-${randomBytes(4).toString('hex')}.tmp`);
      await mkdir(dir, { recursive: true });
      made.push(dir);
      return dir;
    },
    cleanup: async () => {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
