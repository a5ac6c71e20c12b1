import type { INestApplication } from '@nestjs/common';
import { childLogger } from '@gantry/logging';
import { StartOptions, startHttpApp } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { AdminModule, type AdminModuleOptions } from './admin.module';
import { Authenticator } from './auth/authenticator';
import { assertAdminExposure } from './auth/exposure';
import { loadAdminTokens } from './auth/tokens';

/**
 * Starts the Admin API. Refuses to listen beyond loopback without admin tokens, and says so when auth is off.
 */
export async function startAdmin(
  settings: Settings,
  options: StartOptions & Omit<AdminModuleOptions, 'auth'> = {},
): Promise<INestApplication> {
  const auth = new Authenticator(loadAdminTokens(settings.admin));
  assertAdminExposure(settings.adminListen, auth.enabled);
  if (!auth.enabled) {
    childLogger('admin').warn(
      { listen: `${settings.adminListen.host}:${settings.adminListen.port}` },
      'admin authentication is off (no GANTRY_ADMIN_TOKENS): listening on loopback only',
    );
  }
  const { backend, plugins, plane, ...start } = options;
  const module = AdminModule.forRoot(settings, { backend, plugins, plane, auth });
  return startHttpApp('admin', module, settings.adminListen, {
    ...start,
    // The Admin API reads raw bodies itself (Kong's form conventions, its own size limit and errors).
    bodyParser: false,
  });
}
