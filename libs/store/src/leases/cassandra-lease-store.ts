import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import { types } from 'cassandra-driver';
import type { LeaseStore } from './lease-store';

/**
 * Leases in Cassandra with lightweight transactions: a lease is a row written `IF NOT EXISTS` with a TTL, renewed
 * `IF holder = me` with a fresh TTL, so it disappears by itself when its holder dies. Paxos at SERIAL
 * consistency makes the compare-and-set linearizable across every data centre: one leader cluster-wide.
 */
export class CassandraLeaseStore implements LeaseStore {
  private readonly table: string;

  constructor(
    private readonly connection: CassandraConnection,
    keyspace: string,
    private readonly serialConsistency: number = types.consistencies.serial,
  ) {
    this.table = `${cqlIdentifier(keyspace)}.leases`;
  }

  /** Creates the table (the keyspace must exist); safe from every process, repeatedly. */
  async ensureSchema(): Promise<void> {
    // Rows only expire or are deleted; a resurrected one would only be an expired lease: purge tombstones early.
    await this.connection.client.execute(
      `CREATE TABLE IF NOT EXISTS ${this.table} (name text PRIMARY KEY, holder text) WITH gc_grace_seconds = 3600`,
    );
  }

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const result = await this.connection.client.execute(
      `INSERT INTO ${this.table} (name, holder) VALUES (?, ?) IF NOT EXISTS USING TTL ?`,
      [name, holder, ttlSeconds(ttlMs)],
      { prepare: true, serialConsistency: this.serialConsistency },
    );
    if (applied(result)) return true;
    // A holder that restarted with the same identity takes its own lease back.
    return result.first()?.get('holder') === holder && this.renew(name, holder, ttlMs);
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const result = await this.connection.client.execute(
      `UPDATE ${this.table} USING TTL ? SET holder = ? WHERE name = ? IF holder = ?`,
      [ttlSeconds(ttlMs), holder, name, holder],
      { prepare: true, serialConsistency: this.serialConsistency },
    );
    return applied(result);
  }

  async release(name: string, holder: string): Promise<void> {
    await this.connection.client.execute(`DELETE FROM ${this.table} WHERE name = ? IF holder = ?`, [name, holder], {
      prepare: true,
      serialConsistency: this.serialConsistency,
    });
  }

  async holder(name: string): Promise<string | null> {
    const result = await this.connection.client.execute(`SELECT holder FROM ${this.table} WHERE name = ?`, [name], {
      prepare: true,
      consistency: this.serialConsistency,
    });
    const value: unknown = result.first()?.get('holder');
    return typeof value === 'string' ? value : null;
  }
}

function ttlSeconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000));
}

function applied(result: types.ResultSet): boolean {
  return result.first()?.get('[applied]') === true;
}
