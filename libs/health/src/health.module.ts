import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CassandraHealthIndicator } from './cassandra.health';
import { ConfigHealthIndicator } from './config.health';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';
import { HEALTH_CHECKS, HealthChecks } from './health-checks';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [KafkaHealthIndicator, CassandraHealthIndicator, ConfigHealthIndicator],
  exports: [KafkaHealthIndicator, CassandraHealthIndicator, ConfigHealthIndicator, TerminusModule],
})
export class HealthIndicatorsModule {}

export interface HealthModuleOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: FactoryProvider<HealthChecks>['inject'];
  readonly useFactory: FactoryProvider<HealthChecks>['useFactory'];
}

/**
 * Serves `GET /health` with the checks that `useFactory` returns.
 * Each app decides which dependencies it needs; this module only knows how to report them.
 */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [HealthIndicatorsModule, ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, inject: options.inject, useFactory: options.useFactory }],
    };
  }
}
