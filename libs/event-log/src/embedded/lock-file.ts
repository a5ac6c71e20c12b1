import { randomUUID } from 'node:crypto';
import { open, readFile, rename, unlink, link } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LogLockedError } from '../errors';

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly nonce: string;
  readonly acquiredAt: string;
}

/**
 * An exclusive, pid-based lock on the embedded log directory, so two standalone processes on one
 * data dir fail clearly instead of interleaving writes. A lock whose process is gone (a crash) is
 * taken over; one held by a live process, this one included, is refused.
 */
export class LockFile {
  private constructor(
    readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  static async acquire(path: string, logger: Logger): Promise<LockFile> {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      nonce: randomUUID(),
      acquiredAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryCreate(path, owner)) return new LockFile(path, owner);
      const holder = await readOwner(path);
      if (holder === 'missing') continue;
      refuseIfHeld(path, holder);
      if (await takeOverStale(path, holder)) {
        logger.warn({ lock: path, stalePid: holder.pid }, 'removed a stale lock left by a process that is gone');
      }
    }
    throw new LogLockedError(`could not take ${path}: other processes keep taking it`);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const holder = await readOwner(this.path);
    if (typeof holder === 'object' && holder.nonce === this.owner.nonce) await unlink(this.path).catch(() => undefined);
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx');
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    await file.writeFile(JSON.stringify(owner));
    await file.sync();
  } finally {
    await file.close();
  }
  return true;
}

function refuseIfHeld(path: string, holder: LockOwner | 'unreadable'): asserts holder is LockOwner {
  if (holder === 'unreadable') {
    // Also what a lock looks like in the instant between its creation and its first write.
    throw new LogLockedError(
      `${path} exists but does not name its owner; delete it if no Gantry process uses this directory`,
    );
  }
  if (holder.hostname !== hostname()) {
    throw new LogLockedError(`${path} is held by pid ${holder.pid} on host ${holder.hostname}`);
  }
  if (isAlive(holder.pid)) {
    const who = holder.pid === process.pid ? 'this process' : `pid ${holder.pid}`;
    throw new LogLockedError(
      `${path} is held by ${who} since ${holder.acquiredAt}; only one process may own the embedded log`,
    );
  }
}

/**
 * Moves the stale lock aside rather than deleting it, then checks that what moved is the lock that
 * was judged stale: a racing process may have replaced it with a fresh lock of its own meanwhile.
 */
async function takeOverStale(path: string, stale: LockOwner): Promise<boolean> {
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
  const moved = await readOwner(aside);
  if (typeof moved === 'object' && moved.nonce === stale.nonce) {
    await unlink(aside);
    return true;
  }
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  throw new LogLockedError(`${path} was taken by another process while this one was removing a stale lock`);
}

async function readOwner(path: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    const valid =
      typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.nonce === 'string';
    return valid ? (parsed as LockOwner) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
