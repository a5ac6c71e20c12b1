import type { PluginSchema, ScalarField } from '@gantry/config';
import { noConsumer, protocolsHttp, unsafeRegexReason } from '../shared/schema-parts';

/** bot-detection's config, with Kong 3.x's fields and defaults. */
export interface BotDetectionConfig {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** A User-Agent regex: it must compile (Kong's `is_regex`) and, in Gantry, not be able to backtrack badly. */
const userAgentRegex: ScalarField = {
  type: 'string',
  is_regex: true,
  custom_validator: (value) => {
    const source = typeof value === 'string' ? value : '';
    try {
      new RegExp(source);
    } catch {
      return undefined; // reported by is_regex
    }
    return unsafeRegexReason(source);
  },
};

export const botDetectionSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['allow', { type: 'array', default: [], elements: userAgentRegex }],
          ['deny', { type: 'array', default: [], elements: userAgentRegex }],
        ],
      },
    ],
  ],
};
