import { DynamicModule, Module } from '@nestjs/common';
import { childLogger } from '@gantry/logging';
import { CONFIG_PLANE, ConfigPlane, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { CassandraLeaseStore, MemoryLeaseStore, type LeaseStore } from '@gantry/store';
import { loadDiscoveryConfig } from './config/discovery-config';
import { DiscoveryLifecycle } from './runner/discovery.lifecycle';
import { DiscoveryRunner } from './runner/discovery-runner';
import { buildSources } from './sources/build-sources';
import { DiscoveryMetrics } from './status/discovery-metrics';
import { DiscoveryStatusController } from './status/discovery-status.controller';

/**
 * Watches service registries (Consul, Kubernetes) and turns what they report into target events on the config
 * log, from one process of the cluster at a time (a lease in Cassandra, or in memory in standalone mode).
 */
@Module({})
export class DiscoveryModule {
  static forRoot(settings: Settings, plane?: ConfigPlane): DynamicModule {
    // Read (and checked) at start-up: a bad discovery config stops the process with a message naming the field.
    const config = loadDiscoveryConfig(process.env);
    return {
      module: DiscoveryModule,
      imports: [RuntimeModule.forRoot(settings, { plane }), backendHealthModule()],
      controllers: [DiscoveryStatusController],
      providers: [
        {
          provide: DiscoveryRunner,
          inject: [CONFIG_PLANE],
          useFactory: (configPlane: ConfigPlane) => {
            const logger = childLogger('discovery');
            let leases: LeaseStore;
            if (configPlane.cassandra) {
              const store = new CassandraLeaseStore(configPlane.cassandra, settings.cassandra.keyspace);
              leases = withSchema(store);
            } else {
              leases = new MemoryLeaseStore();
            }
            const sources = buildSources(config, logger);
            return new DiscoveryRunner(configPlane, sources, config, leases, settings.nodeId, settings.region, logger);
          },
        },
        {
          provide: DiscoveryMetrics,
          inject: [DiscoveryRunner],
          useFactory: (r: DiscoveryRunner) => new DiscoveryMetrics(r),
        },
        DiscoveryLifecycle,
      ],
    };
  }
}

/** The lease table is created on first use (the keyspace exists once the config plane has started). */
function withSchema(store: CassandraLeaseStore): LeaseStore {
  let ready: Promise<void> | undefined;
  const schema = (): Promise<void> =>
    (ready ??= store.ensureSchema().catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  return {
    tryAcquire: async (n, h, t) => (await schema(), store.tryAcquire(n, h, t)),
    renew: async (n, h, t) => (await schema(), store.renew(n, h, t)),
    release: async (n, h) => (await schema(), store.release(n, h)),
    holder: async (n) => (await schema(), store.holder(n)),
  };
}
