import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { STANDALONE_DEFAULTS, loadSettings } from '@gantry/settings';
import { childLogger } from '@gantry/logging';
import { ConfigPlane, exitOnStartupFailure } from '@gantry/runtime';
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
  // One log, store and fold for the three apps: the embedded log is one file that one process owns.
  const plane = ConfigPlane.withOwnBackends(settings, { persister: settings.store === 'cassandra', snapshotter: true });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await Promise.allSettled(apps.reverse().map((app) => app.close()));
    await plane.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await plane.start();
  const shared = { shutdownHooks: false, plane };
  apps.push(await startAdmin(settings, shared));
  apps.push(await startProxy(settings, shared));
  apps.push(await startDiscovery(settings, shared));
  log.info(
    {
      gateway: `${settings.proxyListen.host}:${settings.proxyListen.port}`,
      admin: `${settings.adminListen.host}:${settings.adminListen.port}`,
      status: `${settings.statusListen.host}:${settings.statusListen.port}`,
      log: settings.log,
      store: settings.store,
      dataDir: settings.dataDir,
      configVersion: plane.replica.version(),
    },
    'gantry is up',
  );
}

main().catch(exitOnStartupFailure('standalone'));
