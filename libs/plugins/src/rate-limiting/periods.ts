/** Kong's rate-limiting periods, shortest first: each one's windows nest inside the next one's. */
export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;

export type Period = (typeof PERIODS)[number];

const FIXED_MS: Readonly<Record<'second' | 'minute' | 'hour' | 'day', number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Start (ms since the epoch) of the `period` window holding `now`: aligned to UTC boundaries, as Kong aligns them. */
export function windowStart(period: Period, now: number): number {
  switch (period) {
    case 'month': {
      const d = new Date(now);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case 'year':
      return Date.UTC(new Date(now).getUTCFullYear(), 0, 1);
    default: {
      const size = FIXED_MS[period];
      return now - (now % size);
    }
  }
}

/** End (exclusive, ms) of the `period` window starting at `start`: months and years are calendar ones. */
export function windowEnd(period: Period, start: number): number {
  switch (period) {
    case 'month': {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    case 'year':
      return Date.UTC(new Date(start).getUTCFullYear() + 1, 0, 1);
    default:
      return start + FIXED_MS[period];
  }
}

/** `X-RateLimit-*-<Period>` spelling. */
export function capitalized(period: Period): string {
  return period[0].toUpperCase() + period.slice(1);
}
