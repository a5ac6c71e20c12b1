export type ReplicaErrorCode =
  | 'GANTRY_REPLICA_TIMEOUT'
  | 'GANTRY_REPLICA_CLOSED'
  | 'GANTRY_REPLICA_HISTORY_GAP'
  | 'GANTRY_REPLICA_BOOT_FAILED'
  | 'GANTRY_REPLICA_UNSUPPORTED_EVENT'
  | 'GANTRY_REPLICA_OUTCOME_EVICTED';

/** Base of every error the replica throws; `code` is stable and what callers branch on. */
export abstract class ReplicaError extends Error {
  abstract readonly code: ReplicaErrorCode;
}

/** `waitForVersion` gave up: the replica had not folded the version in time. */
export class ReplicaTimeoutError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_TIMEOUT';
  override readonly name = 'ReplicaTimeoutError';
  constructor(
    readonly version: number,
    readonly reached: number,
    readonly timeoutMs: number,
  ) {
    super(`version ${version} was not applied within ${timeoutMs} ms (the replica is at version ${reached})`);
  }
}

export class ReplicaClosedError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_CLOSED';
  override readonly name = 'ReplicaClosedError';
}

/** The log no longer holds versions the replica needs, and the event history does not hold them either. */
export class ReplicaHistoryGapError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_HISTORY_GAP';
  override readonly name = 'ReplicaHistoryGapError';
  constructor(
    readonly from: number,
    readonly to: number,
    detail: string,
  ) {
    super(`versions ${from}..${to} are no longer in the log and ${detail}`);
  }
}

/** Boot cannot go on: no usable snapshot and the log no longer starts at version 1, or a snapshot ahead of the log. */
export class ReplicaBootError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_BOOT_FAILED';
  override readonly name = 'ReplicaBootError';
}

/**
 * A record written by a newer build (a `schema_version` this build cannot read). Folding it as anything would let
 * this replica diverge from upgraded ones, so the replica stops before it and keeps serving the previous version.
 */
export class UnsupportedEventError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_UNSUPPORTED_EVENT';
  override readonly name = 'UnsupportedEventError';
  constructor(
    readonly version: number,
    detail: string,
  ) {
    super(`cannot fold version ${version}: ${detail}`);
  }
}

/** The write's version was folded, but so long ago that its outcome left the bounded window. */
export class OutcomeEvictedError extends ReplicaError {
  readonly code = 'GANTRY_REPLICA_OUTCOME_EVICTED';
  override readonly name = 'OutcomeEvictedError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
