import { createKeyspaceCql } from './keyspace';
import { InvalidIdentifierError, cqlIdentifier } from './cql-identifier';

describe('createKeyspaceCql', () => {
  it('uses NetworkTopologyStrategy with one factor per data centre', () => {
    expect(createKeyspaceCql('gantry', { dc1: 3, dc2: 3 })).toBe(
      "CREATE KEYSPACE IF NOT EXISTS gantry WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}",
    );
  });

  it('refuses names and data centres that could inject CQL', () => {
    expect(() => createKeyspaceCql('x; DROP KEYSPACE y', { dc1: 1 })).toThrow(InvalidIdentifierError);
    expect(() => createKeyspaceCql('ok', { "dc1'": 1 })).toThrow(/invalid replication entry/);
    expect(() => createKeyspaceCql('ok', {})).toThrow(/at least one data centre/);
  });

  it('accepts at most 48 characters, as Cassandra does', () => {
    expect(cqlIdentifier('a'.repeat(48))).toHaveLength(48);
    expect(() => cqlIdentifier('a'.repeat(49))).toThrow(InvalidIdentifierError);
  });
});
