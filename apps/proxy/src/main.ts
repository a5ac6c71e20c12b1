import 'reflect-metadata';
import cluster from 'node:cluster';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { exitOnStartupFailure } from '@gantry/runtime';
import { startProxy } from './proxy.bootstrap';
import { ProxyPrimary } from './workers/proxy-primary';

const settings = loadSettings(process.env, CLUSTER_DEFAULTS);
if (settings.proxy.workers > 1 && cluster.isPrimary) {
  const primary = new ProxyPrimary(settings);
  const stop = (): void => void primary.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  primary.start().catch(exitOnStartupFailure('proxy-primary'));
} else {
  // A worker whose primary is gone (killed) must not live on as an orphan holding the ports' clients.
  if (cluster.isWorker) process.once('disconnect', () => process.exit(1));
  startProxy(settings, { listen: !cluster.isWorker }).catch(exitOnStartupFailure('proxy'));
}
