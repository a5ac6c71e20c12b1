export * from './deadline';
export * from './kafka-connection';
export * from './kafka-log-creator';
export * from './kafka-options';
