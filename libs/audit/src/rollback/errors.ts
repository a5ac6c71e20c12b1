/**
 * The planner found no order of changes the fold accepts as one changeset (a case it does not know how to break).
 * Nothing was appended; the Admin API answers 409 with the reason.
 */
export class RollbackUnplannableError extends Error {
  readonly code = 'GANTRY_AUDIT_ROLLBACK_UNPLANNABLE';
  override readonly name = 'RollbackUnplannableError';
}
