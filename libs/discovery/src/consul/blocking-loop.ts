import type { Clock } from '../timers';
import { judgeIndex, SAFE_INDEX } from './blocking-index';
import { ConsulWatchError } from './errors';
import type { ConsulHttp } from './http';
import type { Limiter } from './limiter';
import { Backoff, jitteredWait, pause, type BackoffOptions, type Random } from './pacing';

export interface BlockingLoopOptions {
  readonly http: ConsulHttp;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly waitMs: number;
  readonly minQueryIntervalMs: number;
  /** Paces a loop Consul keeps feeding invalid indexes. */
  readonly retry: Required<BackoffOptions>;
  readonly random: Random;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Bounds the plain reads (index 0) run at once, the burst of a full listing. */
  readonly limiter?: Limiter;
  /**
   * An answer that may hold a change: its index moved forward (`to`), or could not be judged (`to` undefined;
   * the body is still Consul's current state). `from` is the index sent, 0 for the first read. A throw ends
   * the loop with that error.
   */
  onChange(body: unknown, from: number, to: number | undefined): void;
  /** The answer carried no usable index; the loop backs off. */
  onInvalidIndex(error: ConsulWatchError): void;
}

/**
 * One blocking-query loop on one endpoint, by the rules of Consul's "Blocking Queries" page: a plain read first,
 * then reads with `index` and a jittered `wait`; an index that moved hands the body on; the same index waits
 * out `minQueryIntervalMs` (from the start of the read) before the next read; an index that went backwards
 * ends the loop with `GANTRY_CONSUL_INDEX_BACKWARDS` (the caller resyncs from 0); a missing or zero index
 * hands the body on, then waits from index 1 after a growing backoff. Resolves when `signal` aborts; rejects with
 * the first HTTP, network or body error.
 */
export async function runBlockingLoop(options: BlockingLoopOptions): Promise<void> {
  const { http, path, query, signal, clock } = options;
  const invalidBackoff = new Backoff(options.retry, options.random);
  let index = 0;
  while (!signal.aborted) {
    const started = clock.now();
    let answer;
    try {
      const read = () =>
        http.get({
          path,
          ...(query === undefined ? {} : { query }),
          index,
          waitMs: jitteredWait(options.waitMs, options.random),
          signal,
        });
      answer = index === 0 && options.limiter !== undefined ? await options.limiter.run(read) : await read();
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (signal.aborted) return;
    const verdict = judgeIndex(index, answer.index);
    switch (verdict.kind) {
      case 'backwards':
        throw new ConsulWatchError(
          'GANTRY_CONSUL_INDEX_BACKWARDS',
          `${path}: X-Consul-Index went back from ${index} to ${verdict.index}`,
        );
      case 'invalid': {
        const seen = verdict.raw === undefined ? 'no X-Consul-Index' : `X-Consul-Index ${JSON.stringify(verdict.raw)}`;
        options.onInvalidIndex(new ConsulWatchError('GANTRY_CONSUL_INVALID_INDEX', `${path} answered ${seen}`));
        options.onChange(answer.body, index, undefined);
        index = SAFE_INDEX;
        if (!(await pause(invalidBackoff.next(), signal))) return;
        break;
      }
      case 'unchanged':
        invalidBackoff.reset();
        if (!(await pause(started + options.minQueryIntervalMs - clock.now(), signal))) return;
        break;
      case 'changed':
        invalidBackoff.reset();
        options.onChange(answer.body, index, verdict.index);
        index = verdict.index;
        break;
    }
  }
}
