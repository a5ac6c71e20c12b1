/** Keyspace and table names are interpolated into CQL, so only safe unquoted identifiers get through. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,47}$/;

export class InvalidIdentifierError extends Error {
  readonly code = 'GANTRY_INVALID_CQL_IDENTIFIER';
  constructor(readonly identifier: string) {
    super(
      `"${identifier}" is not a valid CQL identifier (lowercase letter first, then [a-z0-9_], at most 48 characters)`,
    );
  }
}

export function cqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new InvalidIdentifierError(name);
  return name;
}
