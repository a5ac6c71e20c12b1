import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { checkLoadResult, loadSample, type LoadSample } from './load-result';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Sent with every request (an API key, an Origin). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Microseconds: autocannon's own histogram has a 1 ms resolution, too coarse for loopback latencies. */
const LOWEST_US = 1;
const HIGHEST_US = 60_000_000;

/**
 * Drives `url` with autocannon in this process (closed loop: `connections` keep-alive connections, one request
 * in flight on each) for `durationSec`, and fails if any request errs, times out or gets a non-2xx answer.
 * Latencies are recorded from autocannon's `response` events at a microsecond resolution.
 */
export function runLoad(options: LoadOptions): Promise<LoadSample> {
  const latencies = createHistogram({ lowest: LOWEST_US, highest: HIGHEST_US, figures: 3 });
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSec,
        timeout: 10,
        ...(options.headers ? { headers: { ...options.headers } } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        try {
          checkLoadResult(options.url, result);
          resolve(loadSample(result, { p50Us: latencies.percentile(50), p99Us: latencies.percentile(99) }));
        } catch (failure) {
          reject(failure instanceof Error ? failure : new Error(String(failure)));
        }
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.record(Math.min(HIGHEST_US, Math.max(LOWEST_US, Math.round(responseTimeMs * 1000))));
    });
  });
}
