import type { PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp } from '../shared/schema-parts';

/** The HMAC digests a signature may use. */
export const HMAC_ALGORITHMS = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/** hmac-auth's config, with Kong's fields and defaults. */
export interface HmacAuthConfig {
  readonly hide_credentials: boolean;
  readonly clock_skew: number | null;
  readonly anonymous: string | null;
  readonly validate_request_body: boolean;
  readonly enforce_headers: readonly string[] | null;
  readonly algorithms: readonly HmacAlgorithm[] | null;
  readonly realm: string | null;
}

export const hmacAuthSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['hide_credentials', { type: 'boolean', required: true, default: false }],
          ['clock_skew', { type: 'number', default: 300, gt: 0 }],
          ['anonymous', { type: 'string' }],
          ['validate_request_body', { type: 'boolean', required: true, default: false }],
          ['enforce_headers', { type: 'array', elements: { type: 'string' }, default: [] }],
          [
            'algorithms',
            { type: 'array', elements: { type: 'string', one_of: HMAC_ALGORITHMS }, default: [...HMAC_ALGORITHMS] },
          ],
          ['realm', { type: 'string', required: false }],
        ],
      },
    ],
  ],
};
