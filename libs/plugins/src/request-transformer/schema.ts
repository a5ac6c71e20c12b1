import { typedefs, type FieldDef, type FieldEntry, type ListField, type PluginSchema } from '@gantry/config';
import { headerNameEntry, headerRenameEntry, headerValueEntry, splitColonPair } from '../shared/colon-pairs';
import { templateProblem } from './template';

/** The lists of one operation. */
export interface TransformLists {
  readonly body: readonly string[];
  readonly headers: readonly string[];
  readonly querystring: readonly string[];
}

/** request-transformer's config, with Kong's fields and defaults. */
export interface RequestTransformerConfig {
  readonly http_method: string | null;
  readonly remove: TransformLists;
  readonly rename: TransformLists;
  readonly replace: TransformLists & { readonly uri: string | null };
  readonly add: TransformLists;
  readonly append: TransformLists;
}

function list(elements: FieldDef): ListField {
  return { type: 'array', required: true, default: [], elements };
}

/** Kong's `check_for_value`: a name, a non-empty value after the colon, and a value that compiles. */
const valueEntry: FieldDef = {
  type: 'string',
  custom_validator: (v) => {
    const entry = typeof v === 'string' ? v : '';
    const pair = splitColonPair(entry);
    if (pair === null) return `invalid value: ${entry}`;
    if (pair.value === null) return `key '${pair.name}' has no value`;
    return templateProblem(pair.value);
  },
};

const plainStrings = list({ type: 'string' });
const valueStrings = list(valueEntry);

function record(fields: readonly FieldEntry[]): FieldDef {
  return { type: 'record', required: true, fields };
}

const removeRecord = record([
  ['body', plainStrings],
  ['headers', list(headerNameEntry)],
  ['querystring', plainStrings],
]);

const renameRecord = record([
  ['body', valueStrings],
  ['headers', list(headerRenameEntry)],
  ['querystring', valueStrings],
]);

// Kong compiles header templates only when rendering; Gantry compiles every template when the config is saved.
const valueHeaders = list(headerValueEntry(templateProblem));

const valueFields: readonly FieldEntry[] = [
  ['body', valueStrings],
  ['headers', valueHeaders],
  ['querystring', valueStrings],
];

export const requestTransformerSchema: PluginSchema = {
  fields: [
    ['protocols', typedefs.protocols],
    [
      'config',
      {
        type: 'record',
        fields: [
          ['http_method', typedefs.httpMethod],
          ['remove', removeRecord],
          ['rename', renameRecord],
          [
            'replace',
            record([
              ...valueFields,
              ['uri', { type: 'string', custom_validator: (v) => templateProblem(typeof v === 'string' ? v : '') }],
            ]),
          ],
          ['add', record(valueFields)],
          ['append', record(valueFields)],
        ],
      },
    ],
  ],
};
