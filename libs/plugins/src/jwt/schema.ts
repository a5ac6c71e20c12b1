import type { PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp } from '../shared/schema-parts';

/** The registered claims the plugin can check. */
export type VerifiableClaim = 'exp' | 'nbf';

/** jwt's config, with Kong's fields and defaults. */
export interface JwtConfig {
  readonly uri_param_names: readonly string[] | null;
  readonly cookie_names: readonly string[] | null;
  readonly key_claim_name: string | null;
  readonly secret_is_base64: boolean;
  readonly claims_to_verify: readonly VerifiableClaim[] | null;
  readonly anonymous: string | null;
  readonly run_on_preflight: boolean;
  readonly maximum_expiration: number | null;
  readonly header_names: readonly string[] | null;
  readonly realm: string | null;
}

/** Kong's cap on `maximum_expiration`: one year, in seconds. */
const ONE_YEAR = 31_536_000;

export const jwtSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['uri_param_names', { type: 'set', elements: { type: 'string' }, default: ['jwt'] }],
          ['cookie_names', { type: 'set', elements: { type: 'string' }, default: [] }],
          ['key_claim_name', { type: 'string', default: 'iss' }],
          ['secret_is_base64', { type: 'boolean', required: true, default: false }],
          ['claims_to_verify', { type: 'set', elements: { type: 'string', one_of: ['exp', 'nbf'] } }],
          ['anonymous', { type: 'string' }],
          ['run_on_preflight', { type: 'boolean', required: true, default: true }],
          ['maximum_expiration', { type: 'number', default: 0, between: [0, ONE_YEAR] }],
          ['header_names', { type: 'set', elements: { type: 'string' }, default: ['authorization'] }],
          ['realm', { type: 'string', required: false }],
        ],
      },
    ],
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'config.maximum_expiration',
        if_match: { gt: 0 },
        then_field: 'config.claims_to_verify',
        then_match: { contains: 'exp' },
      },
    },
  ],
};
