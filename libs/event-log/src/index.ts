export * from './config-log';
export * from './errors';
export { EmbeddedConfigLog, type EmbeddedConfigLogOptions } from './embedded/embedded-config-log';
export { EmbeddedLogImporter, type EmbeddedLogImporterOptions } from './embedded/embedded-log-importer';
/** File helpers the embedded stores (log, audit chain, snapshots) share. */
export { readAt, syncDirectory } from './embedded/file-io';
export { KafkaConfigLog, type KafkaConfigLogOptions } from './kafka/kafka-config-log';
export { defaultMinInsyncReplicas } from './kafka/config-topic';
