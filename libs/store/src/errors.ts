export type StoreErrorCode = 'GANTRY_STORE_HISTORY_MISSING' | 'GANTRY_STORE_CLOSED' | 'GANTRY_STORE_INVALID';

/** Base of every error the store throws; `code` is stable and what callers branch on. */
export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
}

/** The event history lacks a version that was asked for (not persisted yet, or never). */
export class HistoryMissingError extends StoreError {
  readonly code = 'GANTRY_STORE_HISTORY_MISSING';
  override readonly name = 'HistoryMissingError';
  constructor(
    readonly missing: number,
    detail = '',
  ) {
    super(`the event history does not hold version ${missing}${detail ? `: ${detail}` : ''}`);
  }
}

export class StoreClosedError extends StoreError {
  readonly code = 'GANTRY_STORE_CLOSED';
  override readonly name = 'StoreClosedError';
}

/** A snapshot or option that cannot be stored as given. */
export class StoreInvalidError extends StoreError {
  readonly code = 'GANTRY_STORE_INVALID';
  override readonly name = 'StoreInvalidError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
