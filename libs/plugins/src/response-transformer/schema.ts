import type { FieldDef, FieldEntry, ListField, PluginSchema } from '@gantry/config';
import { COLON_ENTRY, headerRenameEntry, headerValueEntry } from '../shared/colon-pairs';
import { protocolsHttp } from '../shared/schema-parts';

/** The JSON types a value can be given (`json_types`). */
export type JsonType = 'boolean' | 'number' | 'string';

/** Lists that only name things (remove). */
export interface NameLists {
  readonly json: readonly string[];
  readonly headers: readonly string[];
}

/** Lists of `name:value` entries, with the type of each JSON value by position. */
export interface ValueLists extends NameLists {
  readonly json_types: readonly JsonType[];
}

/** response-transformer's config, with Kong's fields and defaults. */
export interface ResponseTransformerConfig {
  readonly remove: NameLists;
  readonly rename: NameLists;
  readonly replace: ValueLists;
  readonly add: ValueLists;
  readonly append: ValueLists;
}

function list(elements: FieldDef): ListField {
  return { type: 'array', required: true, default: [], elements };
}

function record(fields: readonly FieldEntry[]): FieldDef {
  return { type: 'record', required: true, fields };
}

const strings = list({ type: 'string' });
const colonStrings = list({ type: 'string', match: COLON_ENTRY });
const jsonTypes = list({ type: 'string', one_of: ['boolean', 'number', 'string'] });

const valueRecord = record([
  ['json', colonStrings],
  ['json_types', jsonTypes],
  ['headers', list(headerValueEntry())],
]);

export const responseTransformerSchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          [
            'remove',
            record([
              ['json', strings],
              ['headers', strings],
            ]),
          ],
          [
            'rename',
            record([
              ['json', colonStrings],
              ['headers', list(headerRenameEntry)],
            ]),
          ],
          ['replace', valueRecord],
          ['add', valueRecord],
          ['append', valueRecord],
        ],
      },
    ],
  ],
};
