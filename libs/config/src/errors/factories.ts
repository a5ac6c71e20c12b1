import type { JsonObject } from '../json';
import { flattenFieldErrors, type FieldErrors } from './field-errors';
import { KONG_ERROR_CODES, kongError, type KongError } from './kong-error';
import { luaPretty } from './lua-pretty';

/** Code 2: `schema violation (host: required field missing)` or `N schema violations (a; b)`. */
export function schemaViolation(fields: FieldErrors): KongError {
  const parts = flattenFieldErrors(fields);
  const message =
    parts.length === 1 ? `schema violation (${parts[0]})` : `${parts.length} schema violations (${parts.join('; ')})`;
  return kongError(KONG_ERROR_CODES.SCHEMA_VIOLATION, message, fields);
}

/** Code 1: a primary key that is not valid. */
export function invalidPrimaryKey(primaryKey: JsonObject): KongError {
  return kongError(KONG_ERROR_CODES.INVALID_PRIMARY_KEY, `invalid primary key: '${luaPretty(primaryKey)}'`, primaryKey);
}

/** Code 3: an entity with this primary key exists already. */
export function primaryKeyViolation(primaryKey: JsonObject): KongError {
  return kongError(
    KONG_ERROR_CODES.PRIMARY_KEY_VIOLATION,
    `primary key violation on key '${luaPretty(primaryKey)}'`,
    primaryKey,
  );
}

/** Code 4: `the foreign key '{id="..."}' does not reference an existing 'services' entity.` */
export function foreignKeyViolation(field: string, foreignKey: JsonObject, parentKind: string): KongError {
  return kongError(
    KONG_ERROR_CODES.FOREIGN_KEY_VIOLATION,
    `the foreign key '${luaPretty(foreignKey)}' does not reference an existing '${parentKind}' entity.`,
    { [field]: foreignKey },
  );
}

/** Code 4 (Kong 3.x restrict): `an existing 'routes' entity references this 'services' entity`. */
export function referencedByOthers(parentKind: string, childKind: string): KongError {
  return kongError(
    KONG_ERROR_CODES.FOREIGN_KEY_VIOLATION,
    `an existing '${childKind}' entity references this '${parentKind}' entity`,
    { '@referenced_by': childKind },
  );
}

/** Code 5 (HTTP 409): `UNIQUE violation detected on '{name="x"}'`. */
export function uniqueViolation(uniqueKey: JsonObject): KongError {
  return kongError(
    KONG_ERROR_CODES.UNIQUE_VIOLATION,
    `UNIQUE violation detected on '${luaPretty(uniqueKey)}'`,
    uniqueKey,
  );
}

/** Code 6 (HTTP 404), by primary key. */
export function notFound(primaryKey: JsonObject): KongError {
  return kongError(
    KONG_ERROR_CODES.NOT_FOUND,
    `could not find the entity with primary key '${luaPretty(primaryKey)}'`,
    primaryKey,
  );
}

/** Code 6 (HTTP 404), by another field such as an endpoint key. */
export function notFoundByField(filter: JsonObject): KongError {
  return kongError(KONG_ERROR_CODES.NOT_FOUND, `could not find the entity with '${luaPretty(filter)}'`, filter);
}

/** Code 12 (HTTP 405). */
export function operationUnsupported(message: string): KongError {
  return kongError(KONG_ERROR_CODES.OPERATION_UNSUPPORTED, message);
}

/** Code 13: foreign keys given by endpoint key (e.g. `service: { name: "x" }`) that name nothing. */
export function foreignKeysUnresolved(fields: FieldErrors): KongError {
  const parts = flattenFieldErrors(fields);
  const message =
    parts.length === 1
      ? `foreign key unresolved (${parts[0]})`
      : `${parts.length} foreign keys unresolved (${parts.join('; ')})`;
  return kongError(KONG_ERROR_CODES.FOREIGN_KEYS_UNRESOLVED, message, fields);
}

/** Code 14: an invalid declarative configuration; `fields` mirrors the document's shape. */
export function declarativeConfigError(fields: FieldErrors): KongError {
  return kongError(KONG_ERROR_CODES.DECLARATIVE_CONFIG, `declarative config is invalid: ${luaPretty(fields)}`, fields);
}
