import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { STANDALONE_DEFAULTS, loadSettings } from '@gantry/settings';
import { childLogger } from '@gantry/logging';
import { exitOnStartupFailure } from '@gantry/runtime';
import { startAdmin } from '../../admin/src/admin.bootstrap';
import { startDiscovery } from '../../discovery/src/discovery.bootstrap';
import { startProxy } from '../../proxy/src/proxy.bootstrap';

/**
 * `npm start`: admin, proxy and discovery in one process on the embedded log and store,
 * like Kong's DB-less mode. The process, not each app, owns the signal handlers.
 */
async function main(): Promise<void> {
  const settings = loadSettings(process.env, STANDALONE_DEFAULTS);
  const log = childLogger('standalone');
  const apps: INestApplication[] = [];
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await Promise.allSettled(apps.reverse().map((app) => app.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  apps.push(await startAdmin(settings, { shutdownHooks: false }));
  apps.push(await startProxy(settings, { shutdownHooks: false }));
  apps.push(await startDiscovery(settings, { shutdownHooks: false }));
  log.info(
    {
      gateway: `${settings.proxyListen.host}:${settings.proxyListen.port}`,
      admin: `${settings.adminListen.host}:${settings.adminListen.port}`,
      status: `${settings.statusListen.host}:${settings.statusListen.port}`,
      log: settings.log,
      store: settings.store,
    },
    'gantry is up',
  );
}

main().catch(exitOnStartupFailure('standalone'));
