import { HEALTHCHECKS_DEFAULTS, isJsonObject, type JsonValue } from '@gantry/config';
import { FieldReader } from './reader';

/** Probe protocols; grpc and grpcs (accepted by Kong's schema) are probed as plain TCP connects. */
export type ProbeType = 'http' | 'https' | 'tcp';

export interface ActiveSettings {
  readonly type: ProbeType;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly httpPath: string;
  readonly httpsSni: string | null;
  readonly verifyCertificate: boolean;
  readonly headers: ReadonlyMap<string, readonly string[]> | null;
  readonly healthy: { readonly intervalMs: number; readonly statuses: ReadonlySet<number>; readonly successes: number };
  readonly unhealthy: {
    readonly intervalMs: number;
    readonly statuses: ReadonlySet<number>;
    readonly tcpFailures: number;
    readonly timeouts: number;
    readonly httpFailures: number;
  };
}

export interface PassiveSettings {
  readonly healthy: { readonly statuses: ReadonlySet<number>; readonly successes: number };
  readonly unhealthy: {
    readonly statuses: ReadonlySet<number>;
    readonly tcpFailures: number;
    readonly timeouts: number;
    readonly httpFailures: number;
    /** Gantry: how long a passively ejected address waits before its half-open trial; 0 = never (Kong). */
    readonly cooldownMs: number;
  };
}

/** The counters one kind of check (active or passive) drives. */
export interface CheckLimits {
  readonly successes: number;
  readonly tcpFailures: number;
  readonly timeouts: number;
  readonly httpFailures: number;
  readonly healthyStatuses: ReadonlySet<number>;
  readonly unhealthyStatuses: ReadonlySet<number>;
}

export interface HealthcheckSettings {
  /** Kong's `is_upstream_using_healthcheck`: an active interval or a passive failure counter is set. */
  readonly enabled: boolean;
  /** Percent of the total weight that must be available for the upstream to count as healthy. */
  readonly threshold: number;
  readonly active: ActiveSettings;
  readonly passive: PassiveSettings;
  readonly activeLimits: CheckLimits;
  readonly passiveLimits: CheckLimits;
}

const SECONDS_MAX = 65535;
const COUNTER_MAX = 255;

/** Parses an upstream's `healthchecks` record (Kong's fields and defaults, plus Gantry's `cooldown`). */
export function parseHealthchecks(
  value: JsonValue | undefined,
  code: 'GANTRY_BALANCER_INVALID_UPSTREAM',
): HealthcheckSettings {
  const root = new FieldReader(
    code,
    { healthchecks: isJsonObject(value) ? value : {} },
    {
      healthchecks: HEALTHCHECKS_DEFAULTS,
    },
  ).child('healthchecks');
  const a = root.child('active');
  const ah = a.child('healthy');
  const au = a.child('unhealthy');
  const type = a.oneOf('type', ['http', 'https', 'tcp', 'grpc', 'grpcs'] as const);
  const active: ActiveSettings = {
    type: type === 'grpc' || type === 'grpcs' ? 'tcp' : type,
    timeoutMs: a.number('timeout', 0, SECONDS_MAX) * 1000,
    concurrency: a.integer('concurrency', 1, 2 ** 31),
    httpPath: a.string('http_path'),
    httpsSni: a.optionalString('https_sni'),
    verifyCertificate: a.boolean('https_verify_certificate'),
    headers: a.headers('headers'),
    healthy: {
      intervalMs: ah.number('interval', 0, SECONDS_MAX) * 1000,
      statuses: ah.statuses('http_statuses'),
      successes: ah.integer('successes', 0, COUNTER_MAX),
    },
    unhealthy: {
      intervalMs: au.number('interval', 0, SECONDS_MAX) * 1000,
      statuses: au.statuses('http_statuses'),
      tcpFailures: au.integer('tcp_failures', 0, COUNTER_MAX),
      timeouts: au.integer('timeouts', 0, COUNTER_MAX),
      httpFailures: au.integer('http_failures', 0, COUNTER_MAX),
    },
  };
  const p = root.child('passive');
  const ph = p.child('healthy');
  const pu = p.child('unhealthy');
  const passive: PassiveSettings = {
    healthy: { statuses: ph.statuses('http_statuses'), successes: ph.integer('successes', 0, COUNTER_MAX) },
    unhealthy: {
      statuses: pu.statuses('http_statuses'),
      tcpFailures: pu.integer('tcp_failures', 0, COUNTER_MAX),
      timeouts: pu.integer('timeouts', 0, COUNTER_MAX),
      httpFailures: pu.integer('http_failures', 0, COUNTER_MAX),
      cooldownMs: pu.number('cooldown', 0, SECONDS_MAX) * 1000,
    },
  };
  const enabled =
    active.healthy.intervalMs > 0 ||
    active.unhealthy.intervalMs > 0 ||
    passive.unhealthy.tcpFailures > 0 ||
    passive.unhealthy.timeouts > 0 ||
    passive.unhealthy.httpFailures > 0;
  return {
    enabled,
    threshold: root.number('threshold', 0, 100),
    active,
    passive,
    activeLimits: {
      successes: active.healthy.successes,
      tcpFailures: active.unhealthy.tcpFailures,
      timeouts: active.unhealthy.timeouts,
      httpFailures: active.unhealthy.httpFailures,
      healthyStatuses: active.healthy.statuses,
      unhealthyStatuses: active.unhealthy.statuses,
    },
    passiveLimits: {
      successes: passive.healthy.successes,
      tcpFailures: passive.unhealthy.tcpFailures,
      timeouts: passive.unhealthy.timeouts,
      httpFailures: passive.unhealthy.httpFailures,
      healthyStatuses: passive.healthy.statuses,
      unhealthyStatuses: passive.unhealthy.statuses,
    },
  };
}

/**
 * Whether an upstream's health checks are on, by Kong's rule (an active interval, or a passive failure counter).
 * The Admin API can use it to answer HEALTHCHECKS_OFF without a proxy's report.
 */
export function healthchecksEnabled(healthchecks: JsonValue | undefined): boolean {
  try {
    return parseHealthchecks(healthchecks, 'GANTRY_BALANCER_INVALID_UPSTREAM').enabled;
  } catch {
    return false;
  }
}
