import type { LogRecord } from '../config-log';
import { LogUnavailableError } from '../errors';
import { GroupCommitWriter } from './group-commit-writer';
import type { LogFile, NewRecord } from './log-file';

/** A LogFile stand-in whose fsync the test completes by hand. */
class FakeFile {
  head = 0;
  batches: number[] = [];
  private release: (() => void)[] = [];
  failNext: Error | null = null;

  async appendDurably(entries: readonly NewRecord[], timestamp: number): Promise<LogRecord[]> {
    this.batches.push(entries.length);
    await new Promise<void>((resolve) => this.release.push(resolve));
    if (this.failNext) throw this.failNext;
    return entries.map((entry) => ({ ...entry, version: ++this.head, timestamp }));
  }

  /** Completes the oldest outstanding write. */
  async complete(): Promise<void> {
    while (this.release.length === 0) await new Promise((wait) => setImmediate(wait));
    this.release.shift()!();
    await new Promise((wait) => setImmediate(wait));
  }
}

const newWriter = (file: FakeFile, groupCommit = true, maxBatchBytes = 1 << 20) =>
  new GroupCommitWriter(file as unknown as LogFile, { groupCommit, maxBatchBytes }, () => undefined);
const value = Buffer.from('v');

describe('GroupCommitWriter', () => {
  it('writes appends made in one tick as one batch, and later ones as the next batch', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    const first = [1, 2, 3].map(() => writer.append(null, value, 30, 5_000));
    await file.complete();
    const second = [4, 5].map(() => writer.append(null, value, 30, 5_000));
    await file.complete();
    expect(await Promise.all([...first, ...second])).toEqual([1, 2, 3, 4, 5]);
    expect(file.batches).toEqual([3, 2]);
  });

  it('queues appends while an fsync is in flight and acknowledges them with one more', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    const first = writer.append(null, value, 30, 5_000);
    await new Promise((wait) => setImmediate(wait));
    const waiting = [2, 3, 4].map(() => writer.append(null, value, 30, 5_000));
    await file.complete();
    await file.complete();
    expect(await Promise.all([first, ...waiting])).toEqual([1, 2, 3, 4]);
    expect(file.batches).toEqual([1, 3]);
  });

  it('splits batches at maxBatchBytes, and writes one at a time without group commit', async () => {
    const bounded = new FakeFile();
    const boundedWriter = newWriter(bounded, true, 100);
    const a = [1, 2, 3, 4, 5].map(() => boundedWriter.append(null, value, 40, 5_000));
    for (let i = 0; i < 3; i++) await bounded.complete();
    await Promise.all(a);
    expect(bounded.batches).toEqual([2, 2, 1]);

    const single = new FakeFile();
    const singleWriter = newWriter(single, false);
    const b = [1, 2, 3].map(() => singleWriter.append(null, value, 40, 5_000));
    for (let i = 0; i < 3; i++) await single.complete();
    await Promise.all(b);
    expect(single.batches).toEqual([1, 1, 1]);
  });

  it('drops an append whose deadline passed before it was written, and says so', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    const blocking = writer.append(null, value, 30, 5_000);
    await new Promise((wait) => setImmediate(wait));
    const late = writer.append(null, value, 30, 20);
    await expect(late).rejects.toThrow(/within 20 ms; it was not written/);
    await file.complete();
    expect(await blocking).toBe(1);
    expect(file.batches).toEqual([1]);
  });

  it('says an append that timed out mid-write may still be in the log', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    const slow = writer.append(null, value, 30, 20);
    await expect(slow).rejects.toThrow(/may still be in the log/);
    await file.complete();
  });

  it('stops for good after a failed write: that batch, the queue and later appends all fail', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    file.failNext = new Error('EIO: i/o error, fsync');
    const inFlight = writer.append(null, value, 30, 5_000);
    await new Promise((wait) => setImmediate(wait));
    const queued = writer.append(null, value, 30, 5_000);
    const outcomes = Promise.allSettled([inFlight, queued]);
    await file.complete();
    const reasons = (await outcomes).map((outcome) =>
      outcome.status === 'rejected' ? (outcome.reason as unknown) : null,
    );
    expect(reasons[0]).toBeInstanceOf(LogUnavailableError);
    expect(reasons[1]).toBeInstanceOf(LogUnavailableError);
    expect((reasons[1] as Error).message).toContain('EIO');
    await expect(writer.append(null, value, 30, 5_000)).rejects.toMatchObject({ code: 'GANTRY_LOG_UNAVAILABLE' });
    expect(writer.failure?.message).toContain('EIO');
    expect(file.batches).toEqual([1]);
  });

  it('drain() waits for queued appends', async () => {
    const file = new FakeFile();
    const writer = newWriter(file);
    const appended = writer.append(null, value, 30, 5_000);
    let drained = false;
    const drain = writer.drain().then(() => (drained = true));
    await new Promise((wait) => setImmediate(wait));
    expect(drained).toBe(false);
    await file.complete();
    await drain;
    expect(await appended).toBe(1);
  });
});
