export type ChainErrorCode =
  | 'GANTRY_AUDIT_KEY_INVALID'
  | 'GANTRY_AUDIT_RANGE_INVALID'
  | 'GANTRY_AUDIT_CHAIN_FILE_CORRUPT'
  | 'GANTRY_AUDIT_CHAIN_GAP';

/** Base of the hash chain's errors; `code` is stable and what callers branch on. */
export abstract class ChainError extends Error {
  abstract readonly code: ChainErrorCode;
}

/** A signing or verify key that cannot be read or is not an Ed25519 key. */
export class ChainKeyError extends ChainError {
  readonly code = 'GANTRY_AUDIT_KEY_INVALID';
  override readonly name = 'ChainKeyError';
}

/** A verification range that is not `1 <= from`, `from <= to` in whole versions. */
export class ChainRangeError extends ChainError {
  readonly code = 'GANTRY_AUDIT_RANGE_INVALID';
  override readonly name = 'ChainRangeError';
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

/** The embedded chain file is not one, or holds a damaged link where the writer must continue. */
export class ChainFileCorruptError extends ChainError {
  readonly code = 'GANTRY_AUDIT_CHAIN_FILE_CORRUPT';
  override readonly name = 'ChainFileCorruptError';
}

/** A record arrived out of order: linking it would silently break the chain. */
export class ChainGapError extends ChainError {
  readonly code = 'GANTRY_AUDIT_CHAIN_GAP';
  override readonly name = 'ChainGapError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
