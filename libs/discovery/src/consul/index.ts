export { judgeIndex, SAFE_INDEX, type IndexVerdict } from './blocking-index';
export { ConsulSource } from './consul-source';
export { consulConnectionFromEnv, type ConsulConnectionOptions } from './env';
export * from './errors';
export * from './options';
export type { BackoffOptions } from './pacing';
export type { ConsulSourceStatus } from './status';
