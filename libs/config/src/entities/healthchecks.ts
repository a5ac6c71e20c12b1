import type { JsonObject } from '../json';
import type { FieldDef, FieldEntry, RecordField } from '../schema/types';
import * as t from './typedefs';

const httpStatuses: FieldDef = { type: 'array', elements: { type: 'integer', between: [100, 999] } };
const seconds: FieldDef = { type: 'number', between: [0, 65535] };
const counter: FieldDef = { type: 'integer', between: [0, 255] };

/** Kong's health checker defaults: every probe and circuit breaker is off. */
export const HEALTHCHECKS_DEFAULTS: JsonObject = {
  active: {
    type: 'http',
    timeout: 1,
    concurrency: 10,
    http_path: '/',
    https_sni: null,
    https_verify_certificate: true,
    headers: null,
    healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
    unhealthy: {
      interval: 0,
      http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
      tcp_failures: 0,
      timeouts: 0,
      http_failures: 0,
    },
  },
  passive: {
    type: 'http',
    healthy: {
      http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
      successes: 0,
    },
    // `cooldown` is Gantry's: seconds before a passively ejected target gets a half-open trial (0 = never).
    unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0, cooldown: 30 },
  },
  threshold: 0,
};

// Every record carries its own default so a partial record (`{"active":{"timeout":5}}`) is completed field by
// field, as Kong's generated healthchecks schema does.
function record(fields: readonly FieldEntry[], defaults: JsonObject): RecordField {
  return { type: 'record', fields, default: defaults, required: true };
}

function sub(parent: JsonObject, key: string): JsonObject {
  return parent[key] as JsonObject;
}

const active = sub(HEALTHCHECKS_DEFAULTS, 'active');
const passive = sub(HEALTHCHECKS_DEFAULTS, 'passive');
const checkType: FieldDef = { type: 'string', one_of: ['tcp', 'http', 'https', 'grpc', 'grpcs'], default: 'http' };

/** The `healthchecks` record of upstreams, with Kong's defaults. */
export const healthchecksField: RecordField = record(
  [
    [
      'active',
      record(
        [
          ['type', checkType],
          ['timeout', { ...seconds, default: 1 }],
          ['concurrency', { type: 'integer', between: [1, 2 ** 31], default: 10 }],
          ['http_path', { ...t.path, default: '/' }],
          ['https_sni', t.sni],
          ['https_verify_certificate', { type: 'boolean', default: true }],
          ['headers', { type: 'map', keys: t.headerName, values: { type: 'array', elements: { type: 'string' } } }],
          [
            'healthy',
            record(
              [
                ['interval', { ...seconds, default: 0 }],
                ['http_statuses', { ...httpStatuses, default: [200, 302] }],
                ['successes', { ...counter, default: 0 }],
              ],
              sub(active, 'healthy'),
            ),
          ],
          [
            'unhealthy',
            record(
              [
                ['interval', { ...seconds, default: 0 }],
                ['http_statuses', { ...httpStatuses, default: [429, 404, 500, 501, 502, 503, 504, 505] }],
                ['tcp_failures', { ...counter, default: 0 }],
                ['timeouts', { ...counter, default: 0 }],
                ['http_failures', { ...counter, default: 0 }],
              ],
              sub(active, 'unhealthy'),
            ),
          ],
        ],
        active,
      ),
    ],
    [
      'passive',
      record(
        [
          ['type', checkType],
          [
            'healthy',
            record(
              [
                ['http_statuses', { ...httpStatuses, default: sub(passive, 'healthy').http_statuses }],
                ['successes', { ...counter, default: 0 }],
              ],
              sub(passive, 'healthy'),
            ),
          ],
          [
            'unhealthy',
            record(
              [
                ['http_statuses', { ...httpStatuses, default: [429, 500, 503] }],
                ['tcp_failures', { ...counter, default: 0 }],
                ['timeouts', { ...counter, default: 0 }],
                ['http_failures', { ...counter, default: 0 }],
                ['cooldown', { ...seconds, default: 30 }],
              ],
              sub(passive, 'unhealthy'),
            ),
          ],
        ],
        passive,
      ),
    ],
    ['threshold', { type: 'number', between: [0, 100], default: 0 }],
  ],
  HEALTHCHECKS_DEFAULTS,
);
