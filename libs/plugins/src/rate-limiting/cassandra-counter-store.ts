import { randomUUID } from 'node:crypto';
import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { ClusterCounterStore } from '../runtime/plugin-definition';

/**
 * This process's share of the counters is written under this id. It is new for every process, so a restarted
 * replica never overwrites (and so erases) the count its predecessor left for the current window.
 */
const PROCESS_NODE_ID = randomUUID();
/** How often counters of ended windows are dropped from memory. */
const SWEEP_INTERVAL_MS = 60_000;

/** This node's count of one key in one window, and the write that carries it to Cassandra. */
interface OwnCount {
  readonly scope: string;
  readonly windowStart: number;
  value: number;
  ttlSeconds: number;
  expiresAt: number;
  /** The write in flight. */
  writing: Promise<void> | null;
  /** The write queued behind it: it sends whatever the value is when it starts. */
  queued: Promise<void> | null;
}

export interface CassandraCounterStoreOptions {
  /** Defaults to a random id per process; tests give two stores different ids to act as two nodes. */
  readonly nodeId?: string;
  readonly now?: () => number;
}

/**
 * The `cluster` rate-limiting counters in Cassandra, shared by every replica.
 *
 * Counter columns cannot carry a TTL and an increment that times out cannot be retried safely, so each node
 * instead owns one plain row per window holding its own count, written as an absolute value with a TTL: a
 * retried or duplicated write is harmless and expired windows disappear by themselves. The count of a window
 * is the sum of the partition's rows (one per node that counted in it), this node's own taken from memory.
 * Writes for one key are coalesced: at most one is in flight, and the next carries the latest value.
 */
export class CassandraCounterStore implements ClusterCounterStore {
  readonly nodeId: string;
  private readonly keyspace: string;
  private readonly insertCql: string;
  private readonly selectCql: string;
  private readonly own = new Map<string, OwnCount>();
  private readonly now: () => number;
  private nextSweepAt = 0;

  constructor(
    private readonly connection: CassandraConnection,
    keyspace: string,
    options: CassandraCounterStoreOptions = {},
  ) {
    this.keyspace = cqlIdentifier(keyspace);
    this.nodeId = options.nodeId ?? PROCESS_NODE_ID;
    this.now = options.now ?? Date.now;
    const table = `${this.keyspace}.rate_limit_counters`;
    this.insertCql = `INSERT INTO ${table} (scope, window_start, node, count) VALUES (?, ?, ?, ?) USING TTL ?`;
    this.selectCql = `SELECT node, count FROM ${table} WHERE scope = ? AND window_start = ?`;
  }

  /** Creates the counters table if missing (the keyspace must exist). Safe to run from every replica. */
  async ensureSchema(): Promise<void> {
    // Rows only ever expire, and a resurrected one belongs to a window that has ended: purge tombstones early.
    await this.connection.client.execute(
      `CREATE TABLE IF NOT EXISTS ${this.keyspace}.rate_limit_counters (
        scope text, window_start bigint, node text, count bigint,
        PRIMARY KEY ((scope, window_start), node)
      ) WITH gc_grace_seconds = 3600`,
    );
  }

  async increment(key: string, windowStart: number, delta: number, ttlSeconds: number): Promise<void> {
    const now = this.now();
    this.sweepIfDue(now);
    const id = `${key}\u0000${windowStart}`;
    let own = this.own.get(id);
    if (own === undefined) {
      own = { scope: key, windowStart, value: 0, ttlSeconds, expiresAt: 0, writing: null, queued: null };
      this.own.set(id, own);
    }
    own.value += delta;
    own.ttlSeconds = ttlSeconds;
    own.expiresAt = now + ttlSeconds * 1000;
    await this.write(own);
  }

  current(key: string, windowStart: number): Promise<number> {
    return this.sum(key, windowStart);
  }

  private write(own: OwnCount): Promise<void> {
    if (own.queued !== null) return own.queued;
    if (own.writing === null) return this.startWrite(own);
    const queued = own.writing
      .catch(() => undefined)
      .then(() => {
        own.queued = null;
        return this.startWrite(own);
      });
    own.queued = queued;
    return queued;
  }

  private startWrite(own: OwnCount): Promise<void> {
    const writing = this.connection
      .execute(this.insertCql, [own.scope, own.windowStart, this.nodeId, own.value, Math.max(1, own.ttlSeconds)])
      .then(() => undefined)
      .finally(() => {
        if (own.writing === writing) own.writing = null;
      });
    own.writing = writing;
    return writing;
  }

  private async sum(key: string, windowStart: number): Promise<number> {
    const result = await this.connection.execute(this.selectCql, [key, windowStart]);
    const own = this.own.get(`${key}\u0000${windowStart}`);
    let total = own?.value ?? 0;
    for (const row of result.rows) {
      const node = row.get('node') as string;
      if (node === this.nodeId && own !== undefined) continue;
      total += Number(row.get('count'));
    }
    return total;
  }

  private sweepIfDue(now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [id, own] of this.own) {
      if (own.expiresAt <= now && own.writing === null && own.queued === null) this.own.delete(id);
    }
  }
}
