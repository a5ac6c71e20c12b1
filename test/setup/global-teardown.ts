/**
 * Jest global teardown of the integration project: stops only what the global setup started, by
 * recorded PID. GANTRY_KEEP_INFRA=1 leaves it running for fast reruns (stop it with
 * `npm run infra -- down`).
 */
import { stop } from '../../infra/src';
import { envFlag } from '../../infra/src/env';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__GANTRY_INFRA_STARTED__ ?? [];
  globalThis.__GANTRY_INFRA_STARTED__ = undefined;
  if (started.length === 0) return;
  if (envFlag(process.env, 'GANTRY_KEEP_INFRA')) {
    console.log(`[infra] GANTRY_KEEP_INFRA is set: leaving ${started.join(', ')} running`);
    return;
  }
  await stop(started);
  console.log(`[infra] stopped ${started.join(', ')}`);
}
