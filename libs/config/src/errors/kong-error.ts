import type { JsonObject } from '../json';

/** Kong's DAO error codes (`kong/db/errors.lua`). */
export const KONG_ERROR_CODES = {
  INVALID_PRIMARY_KEY: 1,
  SCHEMA_VIOLATION: 2,
  PRIMARY_KEY_VIOLATION: 3,
  FOREIGN_KEY_VIOLATION: 4,
  UNIQUE_VIOLATION: 5,
  NOT_FOUND: 6,
  INVALID_OFFSET: 7,
  DATABASE_ERROR: 8,
  INVALID_SIZE: 9,
  INVALID_UNIQUE: 10,
  INVALID_OPTIONS: 11,
  OPERATION_UNSUPPORTED: 12,
  FOREIGN_KEYS_UNRESOLVED: 13,
  DECLARATIVE_CONFIG: 14,
  TRANSFORMATION_ERROR: 15,
  INVALID_FOREIGN_KEY: 16,
} as const;

/** A Kong DAO error code. */
export type KongErrorCode = (typeof KONG_ERROR_CODES)[keyof typeof KONG_ERROR_CODES];

/** The `name` Kong puts beside each code. */
export const KONG_ERROR_NAMES: Readonly<Record<KongErrorCode, string>> = {
  1: 'invalid primary key',
  2: 'schema violation',
  3: 'primary key violation',
  4: 'foreign key violation',
  5: 'unique constraint violation',
  6: 'not found',
  7: 'invalid offset',
  8: 'database error',
  9: 'invalid size',
  10: 'invalid unique',
  11: 'invalid options',
  12: 'operation unsupported',
  13: 'foreign keys unresolved',
  14: 'invalid declarative configuration',
  15: 'transformation error',
  16: 'invalid foreign key',
};

/** HTTP status the Admin API answers with for each code (Kong's `kong/api/endpoints.lua`, `/config`). */
export const KONG_ERROR_HTTP_STATUS: Readonly<Record<KongErrorCode, number>> = {
  1: 400,
  2: 400,
  3: 400,
  4: 400,
  5: 409,
  6: 404,
  7: 400,
  8: 500,
  9: 400,
  10: 400,
  11: 400,
  12: 405,
  13: 400,
  14: 400,
  15: 400,
  16: 400,
};

/** An error body exactly as Kong's Admin API returns it. JSON-serialisable. */
export interface KongError {
  code: KongErrorCode;
  name: string;
  message: string;
  fields?: JsonObject;
}

/** HTTP status for a Kong error. */
export function httpStatusOf(error: KongError): number {
  return KONG_ERROR_HTTP_STATUS[error.code];
}

/** Builds an error with Kong's name for the code. */
export function kongError(code: KongErrorCode, message: string, fields?: JsonObject): KongError {
  const error: KongError = { code, name: KONG_ERROR_NAMES[code], message };
  if (fields !== undefined) error.fields = fields;
  return error;
}

/** True for objects shaped like a {@link KongError}. */
export function isKongError(value: unknown): value is KongError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; name?: unknown; message?: unknown };
  return (
    typeof v.code === 'number' &&
    v.code in KONG_ERROR_NAMES &&
    typeof v.name === 'string' &&
    typeof v.message === 'string'
  );
}
