import type { Entity } from '@gantry/config';
import { ForwardingError } from './errors';

/** The fields of a Kong service the forwarder acts on, checked once when the service changes. */
export interface ServiceSettings {
  readonly id: string;
  readonly protocol: 'http' | 'https';
  /** Further attempts after the first one fails (Kong's `retries`, default 5). */
  readonly retries: number;
  readonly connectTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** `tls_verify` with null resolved to the configured default. */
  readonly tlsVerify: boolean;
  /** `tls_verify_depth` with null resolved to nginx's default of 1. */
  readonly tlsVerifyDepth: number;
}

/** nginx's `proxy_ssl_verify_depth` default, which Kong keeps when `tls_verify_depth` is null. */
export const NGINX_DEFAULT_VERIFY_DEPTH = 1;

const MAX_TIMEOUT_MS = 2 ** 31 - 2;

export function readServiceSettings(service: Entity, tlsVerifyDefault: boolean): ServiceSettings {
  const protocol = service.protocol;
  if (protocol !== 'http' && protocol !== 'https') {
    throw new ForwardingError(
      'GANTRY_FORWARD_UNSUPPORTED_PROTOCOL',
      `service ${service.id}: protocol ${JSON.stringify(protocol)} is not supported by the HTTP forwarder (http and https are)`,
    );
  }
  const tlsVerify = service.tls_verify;
  if (tlsVerify !== null && tlsVerify !== undefined && typeof tlsVerify !== 'boolean') {
    throw invalid(service, 'tls_verify must be a boolean or null');
  }
  const depth = service.tls_verify_depth;
  if (depth !== null && depth !== undefined && !(Number.isInteger(depth) && (depth as number) >= 0)) {
    throw invalid(service, 'tls_verify_depth must be a non-negative integer or null');
  }
  return Object.freeze({
    id: service.id,
    protocol,
    retries: integer(service, 'retries', 0, 32767),
    connectTimeoutMs: integer(service, 'connect_timeout', 1, MAX_TIMEOUT_MS),
    writeTimeoutMs: integer(service, 'write_timeout', 1, MAX_TIMEOUT_MS),
    readTimeoutMs: integer(service, 'read_timeout', 1, MAX_TIMEOUT_MS),
    tlsVerify: typeof tlsVerify === 'boolean' ? tlsVerify : tlsVerifyDefault,
    tlsVerifyDepth: typeof depth === 'number' ? depth : NGINX_DEFAULT_VERIFY_DEPTH,
  });
}

function integer(service: Entity, field: string, min: number, max: number): number {
  const value = service[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(service, `${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function invalid(service: Entity, message: string): ForwardingError {
  return new ForwardingError('GANTRY_FORWARD_INVALID_SERVICE', `service ${service.id}: ${message}`);
}
