import type { MapField } from '@gantry/config';

/** Why a Lua code field (Kong's `custom_fields_by_lua`) is refused. */
export const LUA_UNSUPPORTED = 'Gantry cannot run Lua code: custom_fields_by_lua is not supported';

/**
 * Kong's `typedefs.lua_code` (a map of field names to Lua expressions), refused when it names any field: the
 * gateway has no Lua sandbox. An empty map or null is accepted, as it asks for nothing.
 */
export const luaCodeField: MapField = {
  type: 'map',
  keys: { type: 'string', len_min: 1 },
  values: { type: 'string', len_min: 1 },
  custom_validator: (value) =>
    typeof value === 'object' && value !== null && Object.keys(value).length > 0 ? LUA_UNSUPPORTED : undefined,
};
