/** Kong's validation messages (`kong/db/schema/init.lua`), for the cases the DSL produces. */
export const MESSAGES = {
  ARRAY: 'expected an array',
  SET: 'expected a set',
  MAP: 'expected a map',
  RECORD: 'expected a record',
  STRING: 'expected a string',
  NUMBER: 'expected a number',
  BOOLEAN: 'expected a boolean',
  INTEGER: 'expected an integer',
  REQUIRED: 'required field missing',
  UNKNOWN: 'unknown field',
  IMMUTABLE: 'immutable field cannot be updated',
  UUID: 'expected a valid UUID',
  TIMESTAMP: 'expected a valid timestamp',
  MISSING_PK: 'missing primary key',
  eq: (v: string) => `value must be ${v}`,
  ne: (v: string) => `value must not be ${v}`,
  gt: (v: string) => `value must be greater than ${v}`,
  between: (a: number, b: number) => `value should be between ${Math.trunc(a)} and ${Math.trunc(b)}`,
  lenEq: (n: number) => `length must be ${n}`,
  lenMin: (n: number) => `length must be at least ${n}`,
  lenMax: (n: number) => `length must be at most ${n}`,
  invalidValue: (v: string) => `invalid value: ${v}`,
  startsWith: (v: string) => `should start with: ${v}`,
  contains: (v: string) => `expected to contain: ${v}`,
  oneOf: (v: string) => `expected one of: ${v}`,
  notOneOf: (v: string) => `must not be one of: ${v}`,
  isRegex: (v: string) => `not a valid regex: ${v}`,
  conditional: (field: string) => `failed conditional validation given value of field '${field}'`,
  atLeastOneOf: (list: string) => `at least one of these fields must be non-empty: ${list}`,
  onlyOneOf: (list: string) => `exactly one of these fields must be non-empty: ${list}`,
  distinct: (list: string) => `values of these fields must be distinct: ${list}`,
  mutuallyRequired: (list: string) => `all or none of these fields must be set: ${list}`,
  mutuallyExclusive: (list: string) => `only one or none of these fields must be set: ${list}`,
  mutuallyExclusiveSets: (list: string) => `these sets are mutually exclusive: ${list}`,
} as const;

/** `'a', 'b'` or, for nested lists, `('a', 'b'), ('c')`, as Kong quotes field lists. */
export function quotedList(words: readonly (string | readonly string[])[]): string {
  return words.map((w) => (typeof w === 'string' ? `'${w}'` : `(${quotedList(w)})`)).join(', ');
}
