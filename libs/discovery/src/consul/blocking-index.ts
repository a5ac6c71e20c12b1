/**
 * What an answer's `X-Consul-Index` means for a blocking loop, by Consul's "Blocking Queries" implementation
 * rules: an index lower than the one sent must reset the loop to 0 (a snapshot restore or an upgrade can do it,
 * and keeping the old index may miss updates for an unbounded time); an index of 0, or none, is a Consul bug
 * that would turn the loop into a busy loop, so the next query waits from index 1 after a backoff.
 */
export type IndexVerdict =
  /** The index moved forward: the body may hold a change (or an idempotent write). */
  | { readonly kind: 'changed'; readonly index: number }
  /** Same index: the wait ran out, or a write did not touch this result. */
  | { readonly kind: 'unchanged'; readonly index: number }
  /** Lower than the index sent: restart from 0 with a full resync. */
  | { readonly kind: 'backwards'; readonly index: number }
  /** Missing, not a positive integer: use the body, wait from index 1, back off. */
  | { readonly kind: 'invalid'; readonly raw: string | undefined };

/** Index 1 waits for any data at all: Consul's docs call it always safe when the index cannot be trusted. */
export const SAFE_INDEX = 1;

const DIGITS = /^\d+$/;

/** Classifies the `X-Consul-Index` of an answer to a query sent with `sent` (0 for a plain read). */
export function judgeIndex(sent: number, header: string | undefined): IndexVerdict {
  const raw = header?.trim();
  if (raw === undefined || !DIGITS.test(raw)) return { kind: 'invalid', raw: header };
  const index = Number(raw);
  // Raft indexes are uint64; past 2^53 they cannot be compared exactly, so they cannot be trusted either.
  if (index <= 0 || !Number.isSafeInteger(index)) return { kind: 'invalid', raw: header };
  if (index < sent) return { kind: 'backwards', index };
  if (index === sent) return { kind: 'unchanged', index };
  return { kind: 'changed', index };
}
