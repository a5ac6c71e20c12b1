import type autocannon from 'autocannon';

/** What one load run yields: the suite's throughput metrics. */
export interface LoadSample {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly [metric: string]: number;
}

type RunCounts = Pick<
  autocannon.Result,
  'duration' | 'errors' | 'timeouts' | 'non2xx' | 'mismatches' | '2xx' | 'statusCodeStats'
>;

/** A load run that cannot be reported: something answered wrong or not at all. */
export class LoadRunError extends Error {
  override readonly name = 'LoadRunError';
  readonly code = 'BENCH_LOAD_FAILED';
}

/**
 * Throws unless every request of the run got a 2xx answer: a proxy that drops, errs or answers 404 is not
 * measured, it fails the case with the status codes it gave.
 */
export function checkLoadResult(url: string, result: RunCounts): void {
  const problems: string[] = [];
  if (result['2xx'] === 0) problems.push('no 2xx answer at all');
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.mismatches > 0) problems.push(`${result.mismatches} unexpected bodies`);
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(', ');
    problems.push(`${result.non2xx} non-2xx answers (status codes: ${codes})`);
  }
  if (problems.length > 0) throw new LoadRunError(`load on ${url}: ${problems.join('; ')}`);
}

/** Throughput over the run's real duration, and the latency percentiles (given in µs) in ms. */
export function loadSample(result: RunCounts, latencyUs: { p50Us: number; p99Us: number }): LoadSample {
  if (!(result.duration > 0)) throw new LoadRunError(`load run lasted ${result.duration} s`);
  return {
    reqPerSec: result['2xx'] / result.duration,
    p50Ms: latencyUs.p50Us / 1000,
    p99Ms: latencyUs.p99Us / 1000,
  };
}
