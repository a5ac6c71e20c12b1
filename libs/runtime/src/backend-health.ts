import { CassandraConnection } from '@gantry/cassandra';
import {
  CassandraHealthIndicator,
  ConfigHealthIndicator,
  HealthChecks,
  HealthModule,
  KafkaHealthIndicator,
} from '@gantry/health';
import { KafkaConnection } from '@gantry/kafka';
import type { DynamicModule } from '@nestjs/common';
import type { ConfigPlane } from './config-plane';
import { CONFIG_PLANE } from './tokens';

/** `/health` over whichever backends {@link RuntimeModule} opened for this process, plus its config fold. */
export function backendHealthModule(): DynamicModule {
  return HealthModule.register({
    inject: [
      KafkaHealthIndicator,
      CassandraHealthIndicator,
      ConfigHealthIndicator,
      { token: KafkaConnection, optional: true },
      { token: CassandraConnection, optional: true },
      { token: CONFIG_PLANE, optional: true },
    ],
    useFactory: (
      kafkaIndicator: KafkaHealthIndicator,
      cassandraIndicator: CassandraHealthIndicator,
      configIndicator: ConfigHealthIndicator,
      kafka?: KafkaConnection,
      cassandra?: CassandraConnection,
      plane?: ConfigPlane,
    ): HealthChecks => [
      ...(kafka ? [() => kafkaIndicator.check('kafka', kafka)] : []),
      ...(cassandra ? [() => cassandraIndicator.check('cassandra', cassandra)] : []),
      ...(plane ? [() => configIndicator.check('config', plane)] : []),
    ],
  });
}
