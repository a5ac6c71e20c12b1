export * from './cassandra.health';
export * from './config.health';
export * from './health-checks';
export * from './health.controller';
export * from './health.module';
export * from './kafka.health';
