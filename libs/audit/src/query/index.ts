export * from './audit-backend';
export * from './audit-filter';
export * from './audit-query';
export { DEFAULT_SCAN_BUDGET, listEvents, summaryMatches, type ListRequest, type ListResult } from './list-events';
export * from './present-event';
export { CassandraAuditBackend, type CassandraAuditBackendOptions } from './cassandra/cassandra-audit-backend';
export { EmbeddedAuditBackend, type EmbeddedAuditBackendOptions } from './embedded/embedded-audit-backend';
export { MemoryAuditIndex } from './embedded/memory-audit-index';
export { MemoryAuditBackend } from './embedded/memory-audit-backend';
