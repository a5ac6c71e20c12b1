import type { PluginSchema } from '@gantry/config';
import { luaCodeField } from '../shared/lua-code';

/** file-log's config, with Kong 3.x's fields and defaults. */
export interface FileLogConfig {
  readonly path: string;
  /** Close and re-open the file for every write, so that rotated files are let go of. */
  readonly reopen: boolean;
  readonly custom_fields_by_lua: null;
}

export const fileLogSchema: PluginSchema = {
  fields: [
    [
      'config',
      {
        type: 'record',
        fields: [
          // Kong's Lua pattern `^[^*&%%\`]+$`: no `*`, `&`, `%`, `\` or backquote.
          ['path', { type: 'string', required: true, match: '^[^*&%\\\\`]+$', err: 'not a valid filename' }],
          ['reopen', { type: 'boolean', required: true, default: false }],
          ['custom_fields_by_lua', luaCodeField],
        ],
      },
    ],
  ],
};
