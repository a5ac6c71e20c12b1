/** Error codes of the log and replica that mean "the write could not be confirmed in time": a 503. */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'GANTRY_LOG_UNAVAILABLE',
  'GANTRY_LOG_CLOSED',
  'GANTRY_REPLICA_TIMEOUT',
  'GANTRY_REPLICA_CLOSED',
  'GANTRY_ADMIN_WRITE_TIMEOUT',
]);

/** Raised by the admin itself when a writer ignores its deadline. */
export class WriteTimeoutError extends Error {
  readonly code = 'GANTRY_ADMIN_WRITE_TIMEOUT';
  override readonly name = 'WriteTimeoutError';
}

/** True for errors that mean the log (or the fold behind it) is unavailable, whatever adapter threw them. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** Runs `work`, rejecting with {@link WriteTimeoutError} if it has not settled after `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WriteTimeoutError(`write not confirmed within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The change does not fit in one log record (Kafka's `message.max.bytes`): the client must send less at once. */
export function isTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'GANTRY_LOG_RECORD_TOO_LARGE';
}
