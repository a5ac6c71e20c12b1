import { performance } from 'node:perf_hooks';

export interface AppendBenchResult {
  readonly appendsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** `count` appends from `concurrency` callers, each waiting for its previous append before the next. */
export async function measureAppends(
  append: (value: Buffer) => Promise<number>,
  options: { concurrency: number; count: number; valueBytes?: number },
): Promise<AppendBenchResult> {
  const value = Buffer.alloc(options.valueBytes ?? 256, 0x61);
  const latencies: number[] = [];
  let started = 0;
  const caller = async (): Promise<void> => {
    while (started < options.count) {
      started++;
      const begin = performance.now();
      await append(value);
      latencies.push(performance.now() - begin);
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  const seconds = (performance.now() - begin) / 1_000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 1_000) / 1_000;
  return { appendsPerSec: Math.round(options.count / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}
