import { CassandraConnection } from '@gantry/cassandra';
import { CassandraHealthIndicator, HealthChecks, HealthModule, KafkaHealthIndicator } from '@gantry/health';
import { KafkaConnection } from '@gantry/kafka';
import type { DynamicModule } from '@nestjs/common';

/** `/health` over whichever backends {@link RuntimeModule} opened for this process. */
export function backendHealthModule(): DynamicModule {
  return HealthModule.register({
    inject: [
      KafkaHealthIndicator,
      CassandraHealthIndicator,
      { token: KafkaConnection, optional: true },
      { token: CassandraConnection, optional: true },
    ],
    useFactory: (
      kafkaIndicator: KafkaHealthIndicator,
      cassandraIndicator: CassandraHealthIndicator,
      kafka?: KafkaConnection,
      cassandra?: CassandraConnection,
    ): HealthChecks => [
      ...(kafka ? [() => kafkaIndicator.check('kafka', kafka)] : []),
      ...(cassandra ? [() => cassandraIndicator.check('cassandra', cassandra)] : []),
    ],
  });
}
