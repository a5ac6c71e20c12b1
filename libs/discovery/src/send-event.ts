import type { ConfigEvent } from '@gantry/config';
import type { ConfigWriter } from '@gantry/replica';

/** What became of one append. */
export type Sent =
  | { readonly status: 'applied'; readonly version: number }
  /** The fold refused it (another writer changed the upstream since the plan): nothing applied. */
  | { readonly status: 'rejected'; readonly version: number; readonly message: string }
  /** The log refused the record as too large: certainly not appended. */
  | { readonly status: 'too-large'; readonly message: string }
  /** No confirmation (log unavailable, fold too slow): maybe appended, so the retry resends this very event. */
  | { readonly status: 'unconfirmed'; readonly message: string };

const TOO_LARGE = 'GANTRY_LOG_RECORD_TOO_LARGE';

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

/** Appends through the writer and classifies the answer; never throws. */
export async function sendEvent(writer: ConfigWriter, event: ConfigEvent, deadlineMs?: number): Promise<Sent> {
  try {
    const result = await writer.write(event, deadlineMs === undefined ? {} : { deadlineMs });
    // A duplicate is the retry of an event already folded: what counts is what the first one did.
    const outcome = result.status === 'duplicate' ? result.first : result;
    return outcome.status === 'applied'
      ? { status: 'applied', version: outcome.version }
      : { status: 'rejected', version: outcome.version, message: outcome.error.message };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { status: code === TOO_LARGE ? 'too-large' : 'unconfirmed', message: describe(error) };
  }
}
