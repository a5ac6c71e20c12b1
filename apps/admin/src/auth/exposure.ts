import { isIP } from 'node:net';
import type { ListenAddress } from '@gantry/settings';

/** Thrown at start-up when the admin would listen beyond loopback without any token. */
export class AdminExposureError extends Error {
  readonly code = 'GANTRY_ADMIN_UNPROTECTED';
  override readonly name = 'AdminExposureError';
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also v4-mapped) and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses an unauthenticated admin on a non-loopback address: anyone who can reach it could rewrite the
 * gateway's configuration.
 */
export function assertAdminExposure(listen: ListenAddress, authEnabled: boolean): void {
  if (authEnabled || isLoopback(listen.host)) return;
  throw new AdminExposureError(
    `GANTRY_ADMIN_LISTEN=${listen.host}:${listen.port} is reachable from other machines but no admin token is ` +
      'configured: set GANTRY_ADMIN_TOKENS or GANTRY_ADMIN_TOKENS_FILE, or listen on 127.0.0.1',
  );
}
