import { CassandraConnection } from '@gantry/cassandra';
import {
  CassandraHealthIndicator,
  ConfigHealthIndicator,
  HealthChecks,
  HealthModule,
  KafkaHealthIndicator,
} from '@gantry/health';
import { KafkaConnection } from '@gantry/kafka';
import type { DynamicModule, InjectionToken, ModuleMetadata } from '@nestjs/common';
import type { ConfigPlane } from './config-plane';
import { CONFIG_PLANE } from './tokens';

/** Checks an app adds to its `/health` beyond the backends, built from providers of `imports`. */
export interface AppHealthChecks {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject: readonly InjectionToken[];
  readonly checks: (...deps: never[]) => HealthChecks;
}

/** `/health` over whichever backends {@link RuntimeModule} opened for this process, its config fold, and `app`'s checks. */
export function backendHealthModule(app?: AppHealthChecks): DynamicModule {
  const extra = app?.inject ?? [];
  return HealthModule.register({
    imports: app?.imports,
    inject: [
      KafkaHealthIndicator,
      CassandraHealthIndicator,
      ConfigHealthIndicator,
      { token: KafkaConnection, optional: true },
      { token: CassandraConnection, optional: true },
      { token: CONFIG_PLANE, optional: true },
      ...extra,
    ],
    useFactory: (
      kafkaIndicator: KafkaHealthIndicator,
      cassandraIndicator: CassandraHealthIndicator,
      configIndicator: ConfigHealthIndicator,
      kafka?: KafkaConnection,
      cassandra?: CassandraConnection,
      plane?: ConfigPlane,
      ...deps: unknown[]
    ): HealthChecks => [
      ...(kafka ? [() => kafkaIndicator.check('kafka', kafka)] : []),
      ...(cassandra ? [() => cassandraIndicator.check('cassandra', cassandra)] : []),
      ...(plane ? [() => configIndicator.check('config', plane)] : []),
      ...(app ? app.checks(...(deps as never[])) : []),
    ],
  });
}
