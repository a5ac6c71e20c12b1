import { typedefs, type PluginSchema } from '@gantry/config';

/** proxy-cache's config, with Kong's fields and defaults. */
export interface ProxyCacheConfig {
  readonly response_code: readonly number[];
  readonly request_method: readonly string[];
  readonly content_type: readonly string[];
  readonly cache_ttl: number;
  readonly strategy: 'memory';
  readonly cache_control: boolean;
  readonly ignore_uri_case: boolean;
  readonly storage_ttl: number | null;
  readonly memory: { readonly dictionary_name: string };
  readonly vary_query_params: readonly string[] | null;
  readonly vary_headers: readonly string[] | null;
  readonly response_headers: {
    readonly Age: boolean;
    readonly 'X-Cache-Status': boolean;
    readonly 'X-Cache-Key': boolean;
  };
}

/** Strategies of the open-source plugin: only the node's memory. */
export const STRATEGIES = ['memory'] as const;

export const proxyCacheSchema: PluginSchema = {
  fields: [
    ['protocols', typedefs.protocols],
    [
      'config',
      {
        type: 'record',
        fields: [
          [
            'response_code',
            {
              type: 'array',
              required: true,
              default: [200, 301, 404],
              len_min: 1,
              elements: { type: 'integer', between: [100, 900] },
            },
          ],
          [
            'request_method',
            {
              type: 'array',
              required: true,
              default: ['GET', 'HEAD'],
              elements: { type: 'string', one_of: ['HEAD', 'GET', 'POST', 'PATCH', 'PUT'] },
            },
          ],
          [
            'content_type',
            {
              type: 'array',
              required: true,
              default: ['text/plain', 'application/json'],
              elements: { type: 'string' },
            },
          ],
          ['cache_ttl', { type: 'integer', default: 300, gt: 0 }],
          ['strategy', { type: 'string', required: true, one_of: STRATEGIES }],
          ['cache_control', { type: 'boolean', required: true, default: false }],
          ['ignore_uri_case', { type: 'boolean', default: false }],
          ['storage_ttl', { type: 'integer' }],
          [
            'memory',
            {
              type: 'record',
              required: true,
              fields: [['dictionary_name', { type: 'string', required: true, default: 'kong_db_cache' }]],
            },
          ],
          ['vary_query_params', { type: 'array', elements: { type: 'string' } }],
          ['vary_headers', { type: 'array', elements: { type: 'string' } }],
          [
            'response_headers',
            {
              type: 'record',
              required: true,
              fields: [
                ['Age', { type: 'boolean', default: true }],
                ['X-Cache-Status', { type: 'boolean', default: true }],
                ['X-Cache-Key', { type: 'boolean', default: true }],
              ],
            },
          ],
        ],
      },
    ],
  ],
};
