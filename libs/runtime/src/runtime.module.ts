import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConnection } from '@gantry/kafka';
import type { Settings } from '@gantry/settings';
import { BackendsLifecycle, createCassandraConnection, createKafkaConnection } from './backends';
import { ConfigPlane, type ConfigPlaneRole } from './config-plane';
import { ConfigPlaneLifecycle } from './config-plane.lifecycle';
import { CONFIG_PLANE, CONFIG_PLANE_OWNED, DATA_PLANE_REGISTRY, SETTINGS } from './tokens';

export interface RuntimeOptions {
  /** The jobs this app's config plane runs; ignored when `plane` is given. Default: replica only. */
  readonly role?: ConfigPlaneRole;
  /** A plane shared by several apps in one process (standalone mode); its creator starts and closes it. */
  readonly plane?: ConfigPlane;
}

/**
 * Settings, the backend connections the settings ask for (a Kafka client when the log is Kafka, a Cassandra
 * session when the store is Cassandra; embedded mode opens neither), and the process's config plane.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(settings: Settings, options: RuntimeOptions = {}): DynamicModule {
    const providers: Provider[] = [{ provide: SETTINGS, useValue: settings }, BackendsLifecycle, ConfigPlaneLifecycle];
    const shared = options.plane;
    if (settings.log === 'kafka' && !shared) {
      providers.push({ provide: KafkaConnection, useFactory: () => createKafkaConnection(settings) });
    }
    if (settings.store === 'cassandra' && !shared) {
      providers.push({ provide: CassandraConnection, useFactory: () => createCassandraConnection(settings) });
    }
    const role = options.role ?? { persister: false, snapshotter: false };
    providers.push(
      { provide: CONFIG_PLANE_OWNED, useValue: shared === undefined },
      shared
        ? { provide: CONFIG_PLANE, useValue: shared }
        : {
            provide: CONFIG_PLANE,
            inject: [
              { token: KafkaConnection, optional: true },
              { token: CassandraConnection, optional: true },
            ],
            useFactory: (kafka?: KafkaConnection, cassandra?: CassandraConnection) =>
              new ConfigPlane(settings, { kafka, cassandra }, role),
          },
    );
    // The plane's registry, so the apps sharing a plane (standalone mode) share one registry.
    providers.push({
      provide: DATA_PLANE_REGISTRY,
      inject: [CONFIG_PLANE],
      useFactory: (p: ConfigPlane) => p.dataPlanes,
    });
    if (shared?.kafka) providers.push({ provide: KafkaConnection, useValue: shared.kafka });
    if (shared?.cassandra) providers.push({ provide: CassandraConnection, useValue: shared.cassandra });
    return {
      module: RuntimeModule,
      providers,
      exports: providers.filter((provider) => provider !== BackendsLifecycle && provider !== ConfigPlaneLifecycle),
    };
  }
}
