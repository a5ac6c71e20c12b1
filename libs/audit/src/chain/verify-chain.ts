import { ChainChecker, type ChainBreak } from './chain-checker';
import type { ChainKeys } from './chain-keys';
import type { ChainSource } from './chain-source';
import { ChainRangeError } from './errors';

/** Versions to verify; both ends inclusive. */
export interface ChainRange {
  /** Default 1. */
  readonly from?: number;
  /** Default, and at most, the newest version the store holds a link for. */
  readonly to?: number;
}

/** The answer of `GET /audit/verify`. */
export interface ChainReport {
  readonly valid: boolean;
  readonly from: number;
  /** The last version checked for: `to` as asked, lowered to the store's head. */
  readonly to: number;
  /** Links that passed every check. */
  readonly checked: number;
  readonly first_broken: ChainBreak | null;
  /** Whether signatures were checked (a verify key is configured). */
  readonly signed: boolean;
  /** The hash of `to` when the range is valid: worth recording elsewhere, since a truncated tail shows only against it. */
  readonly last_hash: string | null;
}

/** Verifies a chain source with one set of keys. */
export class ChainVerifier {
  constructor(
    private readonly source: ChainSource,
    private readonly keys: ChainKeys,
  ) {}

  verify(range: ChainRange = {}): Promise<ChainReport> {
    return verifyChain(this.source, this.keys, range);
  }
}

/**
 * Walks `from..to`, recomputes every hash, compares it with the stored links (and signatures, when a verify key is
 * configured, and query columns, when the store keeps them), and names the first broken link.
 */
export async function verifyChain(source: ChainSource, keys: ChainKeys, range: ChainRange = {}): Promise<ChainReport> {
  checkRange(range);
  const head = await source.head();
  const from = range.from ?? 1;
  const to = Math.min(range.to ?? head, head);
  const report = { valid: true, from, to, checked: 0, first_broken: null, signed: keys.canVerify, last_hash: null };
  if (from > to) return report;
  const checker = new ChainChecker(keys, from);
  await source.scan(checker.scanFrom, to, (entry) => checker.visit(entry));
  checker.finish(to);
  return {
    ...report,
    valid: checker.broken === null,
    checked: checker.checked,
    first_broken: checker.broken,
    last_hash: checker.broken === null ? checker.lastHash : null,
  };
}

function checkRange(range: ChainRange): void {
  for (const field of ['from', 'to'] as const) {
    const value = range[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new ChainRangeError(field, `${field} must be a version: an integer of at least 1`);
    }
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new ChainRangeError('from', 'from must not be greater than to');
  }
}
