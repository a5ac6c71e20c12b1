export type ReplayErrorCode =
  | 'GANTRY_REPLAY_INVALID'
  | 'GANTRY_REPLAY_TARGET_NOT_EMPTY'
  | 'GANTRY_REPLAY_SOURCE_INCOMPLETE'
  | 'GANTRY_REPLAY_VERIFY_MISMATCH';

/** Base of every error a replay throws; `code` is stable and what callers (the CLI's exit code) branch on. */
export abstract class ReplayError extends Error {
  abstract readonly code: ReplayErrorCode;
}

/** The request cannot be carried out as given: a version beyond the log head, no source configured. */
export class ReplayInvalidError extends ReplayError {
  readonly code = 'GANTRY_REPLAY_INVALID';
  override readonly name = 'ReplayInvalidError';
}

/** The target already holds data; a replay only writes into an empty directory or keyspace. */
export class ReplayTargetNotEmptyError extends ReplayError {
  readonly code = 'GANTRY_REPLAY_TARGET_NOT_EMPTY';
  override readonly name = 'ReplayTargetNotEmptyError';
}

/** Versions the replay needs are neither in the log nor in the event history (retention, a deleted history row). */
export class ReplaySourceIncompleteError extends ReplayError {
  readonly code = 'GANTRY_REPLAY_SOURCE_INCOMPLETE';
  override readonly name = 'ReplaySourceIncompleteError';
  constructor(
    /** The first version that could not be read. */
    readonly missing: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where a replayed state first differs from the live one. */
export interface StateDifference {
  readonly kind: string;
  readonly id: string;
  /** `missing` from the replay, `extra` in the replay (absent live), or `changed`. */
  readonly change: 'missing' | 'extra' | 'changed';
}

/** `--verify` found the replayed state different from the live state at the same version. */
export class ReplayVerifyMismatchError extends ReplayError {
  readonly code = 'GANTRY_REPLAY_VERIFY_MISMATCH';
  override readonly name = 'ReplayVerifyMismatchError';
  constructor(
    readonly version: number,
    readonly first: StateDifference | null,
    detail: string,
  ) {
    super(detail);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
