import { readFileSync } from 'node:fs';
import { isJsonObject } from '@gantry/config';
import { childLogger, type Logger } from '@gantry/logging';
import type { UpstreamDefaults } from '../desired';
import { checkSourceId } from '../source';
import { systemClock, type Clock } from '../timers';
import { checkUpstreamDefaults } from '../upstream-defaults';
import { InvalidConsulOptionsError } from './errors';
import {
  CONSUL_DEFAULTS as D,
  CONSUL_MAX_WAIT_MS as MAX_WAIT_MS,
  type ConsulConsistency,
  type ConsulSourceOptions,
  type ConsulTlsOptions,
} from './options';
import { DEFAULT_BACKOFF, type BackoffOptions, type Random } from './pacing';

/** Where and how to reach Consul, with the TLS material already read. */
export interface ConsulConnection {
  /** `http(s)://host:port`, no trailing slash. */
  readonly baseUrl: string;
  readonly token?: string;
  /** Node `tls.connect` options; absent for plain http. */
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly servername?: string;
    readonly rejectUnauthorized: boolean;
  };
}

export interface ResolvedMapping {
  readonly tagPrefix: string | null;
  readonly metaKey: string | null;
  readonly byServiceName: boolean;
  readonly excludeServices: ReadonlySet<string>;
  readonly weightTagPrefix: string | null;
}

/** Options after validation, with every default filled in. */
export interface ResolvedConsulOptions {
  readonly id: string;
  readonly datacenter: string;
  readonly connection: ConsulConnection;
  readonly mapping: ResolvedMapping;
  readonly includeWarning: boolean;
  readonly upstreamDefaults: UpstreamDefaults | undefined;
  readonly consistency: ConsulConsistency;
  readonly waitMs: number;
  readonly minQueryIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly listConcurrency: number;
  readonly retry: Required<BackoffOptions>;
  readonly random: Random;
  readonly clock: Clock;
  readonly logger: Logger;
}

const DATACENTER = /^[A-Za-z0-9_-]+$/;
/** Consul's own rule for service meta keys. */
const META_KEY = /^[A-Za-z0-9_-]{1,128}$/;
const CONSISTENCIES: readonly ConsulConsistency[] = ['default', 'stale', 'consistent'];

function invalid(message: string): never {
  throw new InvalidConsulOptionsError(`consul source: ${message}`);
}

/**
 * `CONSUL_HTTP_ADDR` as Consul's CLI takes it: `host:port`, `http://host:port` or `https://host:port` (a bare
 * host:port is https when `https` is set, as `CONSUL_HTTP_SSL=true` makes it). Returns the origin.
 */
export function consulBaseUrl(address: string, https = false): string {
  const value = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${https ? 'https' : 'http'}://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    invalid(`address must be host:port or an http(s):// URL, got ${JSON.stringify(address)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.username || url.password) {
    invalid(`address must be host:port or an http(s):// URL without credentials, got ${JSON.stringify(address)}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    invalid(`address must name only a scheme, host and port, got ${JSON.stringify(address)}`);
  }
  return url.origin;
}

function readText(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    invalid(`cannot read the ${what} ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}

function resolveTls(baseUrl: string, tls: ConsulTlsOptions | undefined): ConsulConnection['tls'] {
  if (!baseUrl.startsWith('https:')) {
    if (tls?.caFile !== undefined || tls?.certFile !== undefined || tls?.keyFile !== undefined) {
      invalid(`TLS files are set but the address ${baseUrl} is plain http`);
    }
    return undefined;
  }
  if ((tls?.certFile === undefined) !== (tls?.keyFile === undefined)) {
    invalid('tls.certFile and tls.keyFile go together');
  }
  return {
    ...(tls?.caFile === undefined ? {} : { ca: readText('CA file', tls.caFile) }),
    ...(tls?.certFile === undefined ? {} : { cert: readText('client certificate', tls.certFile) }),
    ...(tls?.keyFile === undefined ? {} : { key: readText('client key', tls.keyFile) }),
    ...(tls?.serverName ? { servername: tls.serverName } : {}),
    rejectUnauthorized: tls?.insecureSkipVerify !== true,
  };
}

function resolveToken(options: ConsulSourceOptions): string | undefined {
  const token = options.token?.trim() || undefined;
  if (token !== undefined || options.tokenFile === undefined) return token;
  return readText('token file', options.tokenFile).trim() || undefined;
}

/** A prefix of `<prefix>=<value>` tags: non-empty, without `=`; null turns the rule off. */
function tagPrefix(name: string, value: string | null | undefined, fallback: string): string | null {
  if (value === null) return null;
  const prefix = value ?? fallback;
  if (typeof prefix !== 'string' || prefix === '' || prefix.includes('=')) {
    invalid(`mapping.${name} must be a non-empty string without '=' (or null), got ${JSON.stringify(value)}`);
  }
  return prefix;
}

function resolveMapping(options: ConsulSourceOptions): ResolvedMapping {
  const m = options.mapping ?? {};
  const metaKey = m.metaKey === null ? null : (m.metaKey ?? D.metaKey);
  if (metaKey !== null && !META_KEY.test(metaKey)) {
    invalid(`mapping.metaKey must be a Consul meta key (letters, digits, '_', '-'), got ${JSON.stringify(metaKey)}`);
  }
  const exclude = m.excludeServices ?? ['consul'];
  if (!Array.isArray(exclude) || exclude.some((s) => typeof s !== 'string')) {
    invalid('mapping.excludeServices must be an array of service names');
  }
  const mapping: ResolvedMapping = {
    tagPrefix: tagPrefix('tagPrefix', m.tagPrefix, D.tagPrefix),
    metaKey,
    byServiceName: m.byServiceName === true,
    excludeServices: new Set(exclude),
    weightTagPrefix: tagPrefix('weightTagPrefix', m.weightTagPrefix, D.weightTagPrefix),
  };
  if (mapping.tagPrefix === null && mapping.metaKey === null && !mapping.byServiceName) {
    invalid('mapping maps nothing: set tagPrefix, metaKey or byServiceName');
  }
  return mapping;
}

function resolveDefaults(defaults: UpstreamDefaults | null | undefined): UpstreamDefaults | undefined {
  if (defaults === null) return undefined;
  const value = defaults ?? {};
  if (!isJsonObject(value)) invalid('upstreamDefaults must be an object of upstream fields (or null)');
  const problem = checkUpstreamDefaults(value);
  if (problem !== undefined) invalid(`upstreamDefaults cannot make an upstream: ${problem}`);
  return value;
}

function duration(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < min || ms > max) {
    invalid(`${name} must be a number of milliseconds in [${min}, ${max}], got ${String(value)}`);
  }
  return ms;
}

/** Validates the options and fills in the defaults; throws {@link InvalidConsulOptionsError}. */
export function resolveConsulOptions(options: ConsulSourceOptions): ResolvedConsulOptions {
  if (typeof options !== 'object' || options === null) invalid('options are required');
  const { datacenter } = options;
  if (typeof datacenter !== 'string' || !DATACENTER.test(datacenter)) {
    invalid(
      `datacenter must be a Consul datacenter name (letters, digits, '_', '-'), got ${JSON.stringify(datacenter)}`,
    );
  }
  const id = `consul:${options.name ?? datacenter}`;
  try {
    checkSourceId(id);
  } catch (error) {
    invalid((error as Error).message);
  }
  const consistency = options.consistency ?? 'default';
  if (!CONSISTENCIES.includes(consistency)) {
    invalid(`consistency must be one of ${CONSISTENCIES.join(', ')}, got ${JSON.stringify(consistency)}`);
  }
  const baseUrl = consulBaseUrl(options.address ?? D.address);
  const token = resolveToken(options);
  const tls = resolveTls(baseUrl, options.tls);
  const retry = {
    minDelayMs: duration('retry.minDelayMs', options.retry?.minDelayMs, DEFAULT_BACKOFF.minDelayMs, 0, MAX_WAIT_MS),
    maxDelayMs: duration('retry.maxDelayMs', options.retry?.maxDelayMs, DEFAULT_BACKOFF.maxDelayMs, 0, 3_600_000),
  };
  const listConcurrency = options.listConcurrency ?? D.listConcurrency;
  if (!Number.isInteger(listConcurrency) || listConcurrency < 1) {
    invalid(`listConcurrency must be an integer >= 1, got ${String(listConcurrency)}`);
  }
  return {
    id,
    datacenter,
    connection: {
      baseUrl,
      ...(token === undefined ? {} : { token }),
      ...(tls === undefined ? {} : { tls }),
    },
    mapping: resolveMapping(options),
    includeWarning: options.includeWarning === true,
    upstreamDefaults: resolveDefaults(options.upstreamDefaults),
    consistency,
    waitMs: duration('waitMs', options.waitMs, D.waitMs, 1_000, MAX_WAIT_MS),
    minQueryIntervalMs: duration(
      'minQueryIntervalMs',
      options.minQueryIntervalMs,
      D.minQueryIntervalMs,
      0,
      MAX_WAIT_MS,
    ),
    requestTimeoutMs: duration('requestTimeoutMs', options.requestTimeoutMs, D.requestTimeoutMs, 100, MAX_WAIT_MS),
    listConcurrency,
    retry,
    random: options.random ?? Math.random,
    clock: options.clock ?? systemClock,
    logger: (options.logger ?? childLogger('discovery')).child({ source: id }),
  };
}
