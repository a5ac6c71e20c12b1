/**
 * The part of autocannon 8's programmatic API this suite uses (the package ships no types, and
 * @types/autocannon is not installed).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      headers?: Record<string, string>;
    }

    interface Histogram {
      readonly p50: number;
      readonly p99: number;
      readonly average: number;
      readonly max: number;
    }

    interface Result {
      /** Seconds the run really lasted. */
      readonly duration: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
      readonly resets: number;
      readonly mismatches: number;
      readonly '2xx': number;
      readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
      /** Milliseconds, recorded at a 1 ms resolution. */
      readonly latency: Histogram & { readonly totalCount: number };
      readonly requests: Histogram & { readonly total: number; readonly sent: number };
    }

    /** Emits `response` (client, statusCode, bytes, responseTimeMs) for every response. */
    interface Instance extends EventEmitter {
      stop(): void;
    }
  }

  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;

  export = autocannon;
}
