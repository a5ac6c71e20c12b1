export * from './cassandra-connection';
export * from './cql-identifier';
export * from './keyspace';
