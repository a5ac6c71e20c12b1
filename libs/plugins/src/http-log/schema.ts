import { typedefs, type PluginSchema } from '@gantry/config';
import { urlField } from '../shared/kong-url';
import { luaCodeField } from '../shared/lua-code';
import { queueField, type QueueConfig } from '../shared/queue-schema';

/** http-log's config, with Kong 3.x's fields and defaults. */
export interface HttpLogConfig {
  readonly http_endpoint: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly content_type: 'application/json' | 'application/json; charset=utf-8';
  /** Milliseconds. */
  readonly timeout: number;
  /** Milliseconds an idle connection to the log server is kept. */
  readonly keepalive: number;
  /** Deprecated by Kong (no effect). */
  readonly retry_count: number | null;
  /** Deprecated: `queue.max_batch_size` when set to something other than 1. */
  readonly queue_size: number | null;
  /** Deprecated: `queue.max_coalescing_delay` when set to something other than 2. */
  readonly flush_timeout: number | null;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly queue: QueueConfig;
  readonly custom_fields_by_lua: null;
}

// Kong's patterns, including its `[nn]` slip: "Content-LeNgth" (capital N) is let through, as in Kong.
const forbiddenHeaders = [
  { pattern: '^[Hh][Oo][Ss][Tt]$', err: "cannot contain 'Host' header" },
  { pattern: '^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][n][Gg][Tt][Hh]$', err: "cannot contain 'Content-Length' header" },
  { pattern: '^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Tt][Yy][Pp][Ee]$', err: "cannot contain 'Content-Type' header" },
];

/** The userinfo of a URL as written (`user:pass` in `http://user:pass@host/`), or null. */
export function userinfoOf(url: string): string | null {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/.exec(url);
  return match === null ? null : match[1];
}

export const httpLogSchema: PluginSchema = {
  fields: [
    [
      'config',
      {
        type: 'record',
        fields: [
          ['http_endpoint', { ...urlField, required: true }],
          ['method', { type: 'string', default: 'POST', one_of: ['POST', 'PUT', 'PATCH'] }],
          [
            'content_type',
            {
              type: 'string',
              default: 'application/json',
              one_of: ['application/json', 'application/json; charset=utf-8'],
            },
          ],
          ['timeout', { type: 'number', default: 10000 }],
          ['keepalive', { type: 'number', default: 60000 }],
          ['retry_count', { type: 'integer' }],
          ['queue_size', { type: 'integer' }],
          ['flush_timeout', { type: 'number' }],
          [
            'headers',
            {
              type: 'map',
              keys: { ...typedefs.headerName, match_none: forbiddenHeaders },
              values: { type: 'string' },
            },
          ],
          ['queue', queueField()],
          ['custom_fields_by_lua', luaCodeField],
        ],
        // A record-level validator, as in Kong: its message stands for the whole `config`.
        custom_validator: (value) => {
          const config = value as { http_endpoint?: unknown; headers?: unknown };
          if (typeof config.http_endpoint !== 'string' || userinfoOf(config.http_endpoint) === null) return undefined;
          const headers = config.headers;
          if (typeof headers !== 'object' || headers === null) return undefined;
          if (!Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return undefined;
          return "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed";
        },
      },
    ],
  ],
};
