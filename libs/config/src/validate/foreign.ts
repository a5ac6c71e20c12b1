import { schemaOf } from '../entities/registry';
import { foreignKeysUnresolved } from '../errors/factories';
import type { FieldErrors } from '../errors/field-errors';
import type { KongError } from '../errors/kong-error';
import { luaPretty } from '../errors/lua-pretty';
import { isJsonObject, type JsonObject } from '../json';
import type { EntityKind } from '../kinds';
import type { ConfigState } from '../fold/state';
import { findByIdOrKey } from './lookup';

/**
 * Kong lets a body name a foreign entity by its endpoint key (`"service": {"name": "billing"}`); this turns
 * such references into `{ id }`, or returns Kong's "foreign keys unresolved" error.
 */
export function resolveForeignKeys(state: ConfigState, kind: EntityKind, input: JsonObject): KongError | undefined {
  const errors: FieldErrors = {};
  for (const [field, def] of schemaOf(kind).fields) {
    if (def.type !== 'foreign') continue;
    const value = input[field];
    if (!isJsonObject(value) || value.id !== undefined) continue;
    const key = schemaOf(def.reference).endpoint_key;
    const wanted = key === undefined ? undefined : value[key];
    if (key === undefined || typeof wanted !== 'string') continue;
    const found = findByIdOrKey(state, def.reference, wanted);
    if (found !== undefined) {
      input[field] = { id: found.id };
    } else {
      errors[field] = {
        [key]: `the foreign key cannot be resolved with '${luaPretty({ [key]: wanted })}' for an existing '${def.reference}' entity`,
      };
    }
  }
  return Object.keys(errors).length > 0 ? foreignKeysUnresolved(errors) : undefined;
}
