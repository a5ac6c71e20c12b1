import { Client, ClientOptions, policies, types } from 'cassandra-driver';
import type { Logger } from 'pino';
import { createKeyspaceCql } from './keyspace';
import { cqlIdentifier } from './cql-identifier';

export interface CassandraConnectionOptions {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace?: string;
  readonly connectTimeoutMs?: number;
  readonly readTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface CassandraHealth {
  readonly up: boolean;
  readonly localDataCenter: string;
  readonly connectedHosts: readonly string[];
  readonly openConnections: number;
  readonly lastError: string | null;
}

export type CqlParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * One process's Cassandra session. Every statement is prepared (the driver caches the preparation),
 * consistency is LOCAL_QUORUM so a region never waits on another, and health is read from the
 * driver's own pool state rather than a probe query.
 */
export class CassandraConnection {
  readonly client: Client;
  private lastError: string | null = 'not connected yet';
  private closed = false;
  private connecting: Promise<void> | null = null;

  constructor(private readonly options: CassandraConnectionOptions) {
    const clientOptions: ClientOptions = {
      contactPoints: [...options.contactPoints],
      localDataCenter: options.localDataCenter,
      keyspace: options.keyspace,
      socketOptions: {
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        readTimeout: options.readTimeoutMs ?? 12_000,
      },
      queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
      policies: {
        reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false),
      },
      pooling: { heartBeatInterval: 5_000 },
    };
    this.client = new Client(clientOptions);
    this.client.on('hostDown', (host: { address: string }) => {
      this.lastError = `host ${host.address} is down`;
      options.logger?.warn({ host: host.address }, 'cassandra host down');
    });
    this.client.on('hostUp', (host: { address: string }) => {
      this.lastError = null;
      options.logger?.info({ host: host.address }, 'cassandra host up');
    });
  }

  async connect(): Promise<void> {
    try {
      this.connecting = this.client.connect();
      await this.connecting;
      this.lastError = null;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  async execute(cql: string, params?: CqlParams, options: { consistency?: number } = {}): Promise<types.ResultSet> {
    return this.client.execute(cql, params as unknown[] | undefined, { prepare: true, ...options });
  }

  /**
   * Every row a prepared query selects, read `fetchSize` rows per round trip (the driver's paging), so a large
   * result is never held whole. Stop iterating to stop reading.
   */
  async *rows(cql: string, params: CqlParams, fetchSize: number): AsyncGenerator<types.Row> {
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(cql, params as unknown[], { prepare: true, fetchSize, pageState });
      yield* result.rows;
      pageState = result.pageState ?? undefined;
    } while (pageState);
  }

  /** Creates the keyspace (NetworkTopologyStrategy) if missing and waits for schema agreement. */
  async ensureKeyspace(name: string, replication: Readonly<Record<string, number>>): Promise<void> {
    await this.client.execute(createKeyspaceCql(name, replication));
  }

  async dropKeyspace(name: string): Promise<void> {
    await this.client.execute(`DROP KEYSPACE IF EXISTS ${cqlIdentifier(name)}`);
  }

  isClosed(): boolean {
    return this.closed;
  }

  health(): CassandraHealth {
    const state = this.client.getState();
    const hosts = state.getConnectedHosts();
    const openConnections = hosts.reduce((sum, host) => sum + state.getOpenConnections(host), 0);
    const upHosts = hosts.filter((host) => host.isUp() && host.datacenter === this.options.localDataCenter);
    const up = !this.closed && upHosts.length > 0 && openConnections > 0;
    return {
      up,
      localDataCenter: this.options.localDataCenter,
      connectedHosts: upHosts.map((host) => host.address),
      openConnections,
      lastError: up ? null : (this.lastError ?? 'no connected host in the local data centre'),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A pool that finishes connecting after shutdown() would stay open and keep the process alive.
    await this.connecting?.catch(() => undefined);
    await this.client.shutdown();
  }
}
