import { DynamicModule, Module } from '@nestjs/common';
import { childLogger } from '@gantry/logging';
import { CONFIG_PLANE, ConfigPlane } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { CassandraLeaseStore, MemoryLeaseStore, type LeaseStore } from '@gantry/store';
import type { DiscoveryConfig } from '../config/discovery-config';
import { buildSources } from '../sources/build-sources';
import { DiscoveryLifecycle } from './discovery.lifecycle';
import { DiscoveryRunner } from './discovery-runner';

/** The runner and its lifecycle, in a module of their own so that `/health` can read the runner's state. */
@Module({})
export class DiscoveryRunnerModule {
  static forRoot(settings: Settings, config: DiscoveryConfig): DynamicModule {
    return {
      module: DiscoveryRunnerModule,
      providers: [
        {
          provide: DiscoveryRunner,
          inject: [CONFIG_PLANE],
          useFactory: (configPlane: ConfigPlane) => {
            const logger = childLogger('discovery');
            const leases: LeaseStore = configPlane.cassandra
              ? withSchema(new CassandraLeaseStore(configPlane.cassandra, settings.cassandra.keyspace))
              : new MemoryLeaseStore();
            const sources = buildSources(config, logger);
            return new DiscoveryRunner(configPlane, sources, config, leases, settings.nodeId, settings.region, logger);
          },
        },
        DiscoveryLifecycle,
      ],
      exports: [DiscoveryRunner],
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
