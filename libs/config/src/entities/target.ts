import { asText, type JsonValue } from '../json';
import type { EntitySchema } from '../schema/types';
import { formatAddress, parseAddress } from './net';
import * as t from './typedefs';

/** Port a target gets when it names none. */
export const DEFAULT_TARGET_PORT = 8000;

function validateTarget(value: JsonValue): string | undefined {
  const target = asText(value);
  return 'error' in parseAddress(target)
    ? `Invalid target ('${target}'); not a valid hostname or ip address`
    : undefined;
}

/** `host` → `host:8000`, `::1` → `[::1]:8000`; returns the input unchanged when it does not parse. */
export function normalizeTarget(target: string): string {
  const p = parseAddress(target);
  if ('error' in p) return target;
  return formatAddress(p, p.port ?? DEFAULT_TARGET_PORT);
}

/** Kong 3.x `targets` (timestamps keep milliseconds, as Kong's do). */
export const targetSchema: EntitySchema = {
  name: 'targets',
  primary_key: ['id'],
  endpoint_key: 'target',
  cache_key: ['upstream', 'target'],
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampMs],
    ['updated_at', t.autoTimestampMs],
    ['upstream', t.foreign('upstreams', { required: true, on_delete: 'cascade' })],
    ['target', { type: 'string', required: true, custom_validator: validateTarget }],
    ['weight', { type: 'integer', default: 100, between: [0, 65535] }],
    ['tags', t.tags],
  ],
};
