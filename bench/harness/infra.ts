import { type ComponentName, endpoints, ensureUp, type InfraEndpoints, InfraUpError, stop } from '@gantry/infra';
import { envFlag } from '../../infra/src/env';

export interface ProvisionedInfra {
  readonly endpoints: InfraEndpoints;
  /** Stops what provision() started, unless GANTRY_KEEP_INFRA=1; never touches what was already running. */
  readonly release: () => Promise<void>;
}

const keep = (): boolean => envFlag(process.env, 'GANTRY_KEEP_INFRA');

/**
 * Makes the components ready the way the Jest global setup does: GANTRY_KAFKA_BROKERS /
 * GANTRY_CASSANDRA_CONTACT_POINTS are only checked, running instances are reused, the rest is started.
 * Throws (after stopping what it had started) if a component does not answer: a benchmark never
 * silently measures less than it was asked to.
 */
export async function provision(
  components: readonly ComponentName[],
  log: (msg: string) => void,
): Promise<ProvisionedInfra> {
  if (components.length === 0) return { endpoints: endpoints(), release: () => Promise.resolve() };
  let started: ComponentName[] = [];
  try {
    const up = await ensureUp([...components], log);
    started = up.started;
    for (const r of up.results) log(`${r.component} ${r.state} at ${r.address} (${(r.totalMs / 1000).toFixed(1)} s)`);
    return {
      endpoints: up.endpoints,
      release: async () => {
        const ours = started.splice(0);
        if (ours.length === 0) return;
        if (keep()) return log(`GANTRY_KEEP_INFRA is set: leaving ${ours.join(', ')} running`);
        await stop(ours);
        log(`stopped ${ours.join(', ')}`);
      },
    };
  } catch (error) {
    if (error instanceof InfraUpError && error.started.length > 0 && !keep()) await stop(error.started);
    throw new Error(
      `${components.join(' and ')} not reachable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
