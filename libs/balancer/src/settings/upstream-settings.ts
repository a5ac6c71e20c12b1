import { HASH_ON, UPSTREAM_ALGORITHMS, type Entity } from '@gantry/config';
import { BalancerError } from '../errors';
import { parseHealthchecks, type HealthcheckSettings } from './healthcheck-settings';
import { FieldReader } from './reader';

export type AlgorithmName = (typeof UPSTREAM_ALGORITHMS)[number];
export type HashOn = (typeof HASH_ON)[number];

/** One hash input (`hash_on` or `hash_fallback`) with the parameter it needs. */
export interface HashSource {
  readonly on: HashOn;
  /** Lower-cased header name for `header`. */
  readonly header: string | null;
  readonly queryArg: string | null;
  readonly uriCapture: string | null;
}

export interface UpstreamSettings {
  readonly id: string;
  readonly name: string;
  readonly algorithm: AlgorithmName;
  readonly slots: number;
  readonly hashOn: HashSource;
  readonly hashFallback: HashSource;
  readonly cookie: { readonly name: string; readonly path: string } | null;
  readonly hostHeader: string | null;
  readonly healthchecks: HealthcheckSettings;
}

const CODE = 'GANTRY_BALANCER_INVALID_UPSTREAM';

function hashSource(r: FieldReader, field: 'hash_on' | 'hash_fallback'): HashSource {
  const on = r.oneOf(field, HASH_ON);
  const prefix = field === 'hash_on' ? 'hash_on' : 'hash_fallback';
  const param = (suffix: string, when: HashOn): string | null => {
    if (on !== when) return null;
    return r.string(`${prefix}_${suffix}`);
  };
  const header = param('header', 'header');
  return {
    on,
    header: header === null ? null : header.toLowerCase(),
    queryArg: param('query_arg', 'query_arg'),
    uriCapture: param('uri_capture', 'uri_capture'),
  };
}

/** Parses and checks an upstream entity; throws a {@link BalancerError} naming the bad field. */
export function parseUpstream(upstream: Entity): UpstreamSettings {
  const r = new FieldReader(CODE, upstream, { algorithm: 'round-robin', hash_on: 'none', hash_fallback: 'none' });
  const hashOn = hashSource(r, 'hash_on');
  const hashFallback = hashSource(r, 'hash_fallback');
  const usesCookie = hashOn.on === 'cookie' || hashFallback.on === 'cookie';
  if (hashOn.on === 'none' && hashFallback.on !== 'none') {
    throw new BalancerError(CODE, 'hash_fallback: must be none when hash_on is none');
  }
  return {
    id: r.string('id'),
    name: r.string('name'),
    algorithm: r.oneOf('algorithm', UPSTREAM_ALGORITHMS),
    slots: r.integer('slots', 10, 2 ** 16),
    hashOn,
    hashFallback,
    cookie: usesCookie
      ? { name: r.string('hash_on_cookie'), path: r.optionalString('hash_on_cookie_path') ?? '/' }
      : null,
    hostHeader: r.optionalString('host_header'),
    healthchecks: parseHealthchecks(upstream.healthchecks, CODE),
  };
}
