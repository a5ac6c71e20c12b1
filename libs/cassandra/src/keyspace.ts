import { cqlIdentifier } from './cql-identifier';

/**
 * CQL to create a keyspace replicated per data centre. NetworkTopologyStrategy is the only strategy
 * that lets a second region (dc2) join later without rewriting the keyspace.
 */
export function createKeyspaceCql(name: string, replication: Readonly<Record<string, number>>): string {
  const entries = Object.entries(replication);
  if (entries.length === 0) throw new Error('replication must name at least one data centre');
  const factors = entries.map(([dc, factor]) => {
    if (!/^[A-Za-z0-9_-]+$/.test(dc) || !Number.isInteger(factor) || factor < 1) {
      throw new Error(`invalid replication entry ${dc}:${factor}`);
    }
    return `'${dc}': ${factor}`;
  });
  return (
    `CREATE KEYSPACE IF NOT EXISTS ${cqlIdentifier(name)} ` +
    `WITH replication = {'class': 'NetworkTopologyStrategy', ${factors.join(', ')}}`
  );
}
