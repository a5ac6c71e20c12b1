export * from './errors';
export * from './event-history';
export * from './snapshot-store';
export * from './snapshot-retention';
export { EmbeddedSnapshotStore, type EmbeddedSnapshotStoreOptions } from './embedded/embedded-snapshot-store';
export {
  CassandraEventHistory,
  type CassandraEventHistoryOptions,
  type EntityHistoryEntry,
} from './cassandra/cassandra-event-history';
export { CassandraSnapshotStore, type CassandraSnapshotStoreOptions } from './cassandra/cassandra-snapshot-store';
export { Persister, type PersisterHealth, type PersisterOptions } from './cassandra/persister';
export {
  CassandraChainLinks,
  ChainCursor,
  type CassandraChainLinksOptions,
  type ChainLinkColumns,
  type ChainLinker,
  type ChainRow,
} from './cassandra/chain-links';
export * from './cassandra/schema';
export * from './audit/audit-entry';
export { auditTables, DAY_DIMENSION, DAYS_DIMENSION, ALL_DAYS } from './cassandra/audit-statements';
export * from './data-planes/data-plane-registry';
export { validateReport, MAX_DATA_PLANE_ID_LENGTH } from './data-planes/validate-report';
export { DEFAULT_DATA_PLANE_TTL_SECONDS } from './data-planes/ttl';
export {
  InMemoryDataPlaneRegistry,
  type InMemoryDataPlaneRegistryOptions,
} from './data-planes/in-memory-data-plane-registry';
export {
  CassandraDataPlaneRegistry,
  DEFAULT_DATA_PLANE_CLUSTER,
  type CassandraDataPlaneRegistryOptions,
} from './data-planes/cassandra-data-plane-registry';
export type { LeaseStore } from './leases/lease-store';
export { MemoryLeaseStore } from './leases/memory-lease-store';
export { CassandraLeaseStore } from './leases/cassandra-lease-store';
export { LeaderElector, type LeaderElectorOptions } from './leases/leader-elector';
