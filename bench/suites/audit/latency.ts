import { performance } from 'node:perf_hooks';
import { percentile } from '../../harness/stats';

/** p50Ms, p99Ms and maxMs: a `Sample` as the harness takes it. */
export type Latencies = Readonly<Record<'p50Ms' | 'p99Ms' | 'maxMs', number>>;

/** Says why an answer is not the one expected (a sample must measure real work), or undefined when it is. */
export type AnswerCheck = (body: string, headers: Headers) => string | undefined;

/**
 * GETs every URL once, one after the other over keep-alive connections, timing each from the request until its
 * whole body is read. An answer other than 200, or one `check` refuses, fails the sample rather than being timed.
 */
export async function timeGets(urls: readonly string[], check?: AnswerCheck): Promise<Latencies> {
  const times: number[] = [];
  for (const url of urls) {
    const started = performance.now();
    const response = await fetch(url);
    const body = await response.text();
    times.push(performance.now() - started);
    const wrong = response.status === 200 ? check?.(body, response.headers) : `status ${response.status}`;
    if (wrong !== undefined) throw new Error(`GET ${url}: ${wrong}: ${body.slice(0, 300)}`);
  }
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), maxMs: Math.max(...times) };
}
