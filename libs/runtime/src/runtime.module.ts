import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConnection } from '@gantry/kafka';
import type { Settings } from '@gantry/settings';
import { BackendsLifecycle, createCassandraConnection, createKafkaConnection } from './backends';
import { SETTINGS } from './tokens';

/**
 * Settings plus the backend connections the settings ask for: a Kafka client when the log is Kafka,
 * a Cassandra session when the store is Cassandra. Embedded mode opens neither.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(settings: Settings): DynamicModule {
    const providers: Provider[] = [{ provide: SETTINGS, useValue: settings }, BackendsLifecycle];
    if (settings.log === 'kafka') {
      providers.push({ provide: KafkaConnection, useFactory: () => createKafkaConnection(settings) });
    }
    if (settings.store === 'cassandra') {
      providers.push({ provide: CassandraConnection, useFactory: () => createCassandraConnection(settings) });
    }
    return {
      module: RuntimeModule,
      providers,
      exports: providers.filter((provider) => provider !== BackendsLifecycle),
    };
  }
}
