export * from './errors';
export * from './event-history';
export * from './snapshot-store';
export { EmbeddedSnapshotStore, type EmbeddedSnapshotStoreOptions } from './embedded/embedded-snapshot-store';
export {
  CassandraEventHistory,
  type CassandraEventHistoryOptions,
  type EntityHistoryEntry,
} from './cassandra/cassandra-event-history';
export { CassandraSnapshotStore, type CassandraSnapshotStoreOptions } from './cassandra/cassandra-snapshot-store';
export { Persister, type PersisterHealth, type PersisterOptions } from './cassandra/persister';
export * from './cassandra/schema';
