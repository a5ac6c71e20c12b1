import type { PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp, unsafeRegexReason } from '../shared/schema-parts';
import { anchoredOriginPattern, looksLikeRegex } from './origins';

export const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

/** cors's config, with Kong 3.x's fields and defaults. */
export interface CorsConfig {
  readonly origins: readonly string[] | null;
  readonly headers: readonly string[] | null;
  readonly exposed_headers: readonly string[] | null;
  readonly methods: readonly string[] | null;
  readonly max_age: number | null;
  readonly credentials: boolean;
  readonly private_network: boolean;
  readonly preflight_continue: boolean;
}

/** Kong accepts `*` or anything that compiles as a regex; Gantry also refuses regexes that could backtrack. */
function originError(value: unknown): string | undefined {
  const origin = String(value);
  if (origin === '*') return undefined;
  try {
    new RegExp(origin);
  } catch {
    return `'${origin}' is not a valid regex`;
  }
  return looksLikeRegex(origin) ? unsafeRegexReason(anchoredOriginPattern(origin)) : undefined;
}

export const corsSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['origins', { type: 'array', elements: { type: 'string', custom_validator: originError } }],
          ['headers', { type: 'array', elements: { type: 'string' } }],
          ['exposed_headers', { type: 'array', elements: { type: 'string' } }],
          [
            'methods',
            { type: 'array', default: [...CORS_METHODS], elements: { type: 'string', one_of: CORS_METHODS } },
          ],
          ['max_age', { type: 'number' }],
          ['credentials', { type: 'boolean', required: true, default: false }],
          ['private_network', { type: 'boolean', required: true, default: false }],
          ['preflight_continue', { type: 'boolean', required: true, default: false }],
        ],
      },
    ],
  ],
};
