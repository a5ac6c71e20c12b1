import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import { concurrent } from 'cassandra-driver';
import { StoreInvalidError } from '../errors';
import { CassandraEventHistory } from './cassandra-event-history';
import { toNumber } from './cql-values';
import type { Statement } from './record-statements';
import { historyBucket } from './schema';

/** A record's link as the persister stores it. */
export interface ChainLinkColumns {
  readonly prevHash: string;
  readonly hash: string;
  /** Null when no signing key is configured (the column is then left unset, not written as null). */
  readonly signature: string | null;
}

/**
 * Computes links (`@gantry/audit`'s `EventChain`). The runtime hands one to the persister, so the store needs no
 * dependency on the audit library, which itself reads the store.
 */
export interface ChainLinker {
  readonly genesisHash: string;
  link(record: LogRecord, prevHash: string): ChainLinkColumns;
}

/** One `events_by_bucket` row as verification reads it (`@gantry/audit`'s `StoredChainEntry`). */
export interface ChainRow {
  readonly version: number;
  readonly record: LogRecord;
  readonly link: { prevHash: string | null; hash: string | null; signature: string | null } | null;
  /** The query columns, timestamps as epoch ms. */
  readonly columns: Readonly<Record<string, string | number | null>>;
}

const QUERY_COLUMNS = [
  'event_id',
  'type',
  'kind',
  'entity_key',
  'actor',
  'source',
  'request_id',
  'origin_region',
  'event_timestamp',
  'idempotency_key',
] as const;

export interface CassandraChainLinksOptions {
  readonly connection: CassandraConnection;
  readonly keyspace: string;
  /** Rows per page, default 500. */
  readonly pageSize?: number;
  readonly logger?: Logger;
}

/**
 * The hash chain in `events_by_bucket`: reads rows with their links (verification), and finds where the chain
 * stands when a persister resumes, linking rows an older build stored without one.
 */
export class CassandraChainLinks {
  private readonly ks: string;
  private readonly history: CassandraEventHistory;
  private readonly logger: Logger;

  constructor(private readonly options: CassandraChainLinksOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.history = new CassandraEventHistory(options);
    this.logger = options.logger ?? childLogger('audit-chain');
  }

  /** Every version up to the persister's progress is stored, link included. */
  head(): Promise<number> {
    return this.history.persistedVersion();
  }

  /** Visits the stored rows of `from..to` in version order until `visit` answers false; missing rows are skipped. */
  async scan(from: number, to: number, visit: (row: ChainRow) => boolean | Promise<boolean>): Promise<void> {
    if (!Number.isSafeInteger(from) || from < 1 || !Number.isSafeInteger(to)) {
      throw new StoreInvalidError(`invalid chain range ${from}..${to}`);
    }
    const cql =
      `SELECT version, record_key, value, log_timestamp, ${QUERY_COLUMNS.join(', ')}, prev_hash, hash, signature ` +
      `FROM ${this.ks}.events_by_bucket WHERE bucket = ? AND version >= ? AND version <= ?`;
    for (let bucket = historyBucket(from); bucket <= historyBucket(to); bucket++) {
      for await (const row of this.options.connection.rows(cql, [bucket, from, to], this.options.pageSize ?? 500)) {
        if (!(await visit(toChainRow(row)))) return;
      }
    }
  }

  /** The statement that links a row stored without a link. */
  linkStatement(version: number, link: ChainLinkColumns): Statement {
    const signed = link.signature !== null;
    return {
      query:
        `UPDATE ${this.ks}.events_by_bucket SET prev_hash = ?, hash = ?${signed ? ', signature = ?' : ''} ` +
        `WHERE bucket = ? AND version = ?`,
      params: [link.prevHash, link.hash, ...(signed ? [link.signature] : []), historyBucket(version), version],
    };
  }

  /**
   * Where the chain stands at `version` (the persister's fold), given that rows up to `writtenUpTo` are stored.
   * Normally one read: the stored hash at `version`. Rows an older build stored without links are linked here,
   * walking the history from version 1 once; a version the history lacks is skipped (verification names it).
   */
  async resume(linker: ChainLinker, version: number, writtenUpTo: number): Promise<ChainCursor> {
    const hashAt = async (v: number) => (v === 0 ? linker.genesisHash : await this.storedHash(v));
    const atFold = await hashAt(version);
    if (atFold !== null && (writtenUpTo <= version || (await hashAt(writtenUpTo)) !== null)) {
      return new ChainCursor(linker, version, atFold);
    }
    let prevHash = linker.genesisHash;
    let cursorHash = linker.genesisHash;
    let pending: Statement[] = [];
    let linked = 0;
    const write = async (): Promise<void> => {
      await concurrent.executeConcurrent(
        this.options.connection.client,
        pending.map((s) => ({ query: s.query, params: s.params })),
        { concurrencyLevel: 32, raiseOnFirstError: true },
      );
      linked += pending.length;
      pending = [];
    };
    await this.scan(1, writtenUpTo, async (row) => {
      const link = linker.link(row.record, prevHash);
      if (row.link === null || row.link.hash === null) pending.push(this.linkStatement(row.version, link));
      else if (row.link.hash !== link.hash) this.logger.warn({ version: row.version }, 'a stored link does not match');
      prevHash = link.hash;
      if (row.version <= version) cursorHash = link.hash;
      if (pending.length >= 500) await write();
      return true;
    });
    await write();
    this.logger.warn({ linked, upTo: writtenUpTo }, 'linked history stored without a hash chain');
    return new ChainCursor(linker, version, cursorHash);
  }

  private async storedHash(version: number): Promise<string | null> {
    const result = await this.options.connection.execute(
      `SELECT hash FROM ${this.ks}.events_by_bucket WHERE bucket = ? AND version = ?`,
      [historyBucket(version), version],
    );
    return (result.first()?.get('hash') as string | null | undefined) ?? null;
  }
}

/** The persister's position in the chain: links each next record to the one before. */
export class ChainCursor {
  private last: ChainLinkColumns | undefined;

  constructor(
    private readonly linker: ChainLinker,
    private version: number,
    private hash: string,
  ) {}

  /** The link of the record after the last one; the same link again if that record is delivered again. */
  next(record: LogRecord): ChainLinkColumns {
    if (record.version === this.version && this.last) return this.last;
    if (record.version !== this.version + 1) {
      throw new StoreInvalidError(`the hash chain is at version ${this.version}, got version ${record.version}`);
    }
    this.last = this.linker.link(record, this.hash);
    this.version = record.version;
    this.hash = this.last.hash;
    return this.last;
  }
}

function toChainRow(row: { get(name: string): unknown }): ChainRow {
  const columns: Record<string, string | number | null> = {};
  for (const name of QUERY_COLUMNS) {
    const value = row.get(name);
    columns[name] = value instanceof Date ? value.getTime() : ((value as string | null | undefined) ?? null);
  }
  const prevHash = (row.get('prev_hash') as string | null) ?? null;
  const hash = (row.get('hash') as string | null) ?? null;
  const signature = (row.get('signature') as string | null) ?? null;
  return {
    version: toNumber(row.get('version')),
    record: {
      version: toNumber(row.get('version')),
      key: (row.get('record_key') as string | null) ?? null,
      value: row.get('value') as Buffer,
      timestamp: (row.get('log_timestamp') as Date | null)?.getTime() ?? 0,
    },
    link: prevHash === null && hash === null && signature === null ? null : { prevHash, hash, signature },
    columns,
  };
}
