/** `gantry` exit codes (documented in docs/audit.md). */
export const EXIT = {
  ok: 0,
  /** A backend could not be reached, a write failed, or anything unexpected. */
  failed: 1,
  /** Unknown or invalid flags or GANTRY_* variables. */
  usage: 2,
  /** `--verify`: the replayed state differs from the live one. */
  mismatch: 3,
  /** `--into` names a directory or keyspace that is not empty. */
  targetNotEmpty: 4,
  /** The log and the history cannot supply the versions asked for (beyond the head, dropped, missing). */
  sourceIncomplete: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line or environment that cannot be run; the message names the flag or variable. */
export class UsageError extends Error {
  readonly code = 'GANTRY_CLI_USAGE';
  override readonly name = 'UsageError';
}
