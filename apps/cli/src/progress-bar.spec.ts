import { PassThrough } from 'node:stream';
import { ProgressBar, formatDuration, formatProgress } from './progress-bar';

describe('progress bar', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('draws the fraction done, counts, rate, ETA and source', () => {
    expect(
      formatProgress({
        done: 4_200,
        total: 10_000,
        ratePerSecond: 12_345.6,
        etaMs: 470,
        elapsedMs: 1,
        source: 'history',
      }),
    ).toBe(`[${'#'.repeat(13)}${'.'.repeat(17)}]  42% 4,200/10,000 versions  12,346/s  ETA 0s  (history)`);
    expect(formatProgress({ done: 0, total: 0, ratePerSecond: 0, etaMs: null, elapsedMs: 0, source: null })).toBe(
      `[${'#'.repeat(30)}] 100% 0/0 versions  0/s  ETA --`,
    );
  });

  it('writes nothing unless the stream is a terminal', () => {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const progress = { done: 1, total: 2, ratePerSecond: 1, etaMs: 1_000, elapsedMs: 1, source: null };
    new ProgressBar(out as unknown as NodeJS.WriteStream).update(progress);
    expect(chunks).toEqual([]);
    out.isTTY = true;
    const bar = new ProgressBar(out as unknown as NodeJS.WriteStream);
    bar.update(progress);
    bar.done();
    expect(chunks.join('')).toBe(`\r${formatProgress(progress)}\x1b[K\n`);
  });
});
