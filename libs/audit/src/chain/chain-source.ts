import type { LogRecord } from '@gantry/event-log';

/** A link as a store holds it; any part may be missing or altered, which is what verification looks for. */
export interface StoredLink {
  readonly prevHash: string | null;
  readonly hash: string | null;
  readonly signature: string | null;
}

/** Columns a store keeps beside the record for queries (`events_by_bucket`); timestamps as epoch ms. */
export type StoredEventColumns = Readonly<Record<string, string | number | null>>;

/** What a store holds for one version. */
export interface StoredChainEntry {
  readonly version: number;
  /** Null when the store has a link but not the record (the embedded log was truncated). */
  readonly record: LogRecord | null;
  /** Null when the store has the record but no link for it. */
  readonly link: StoredLink | null;
  /** Query columns stored beside the record, when the store keeps any. */
  readonly columns?: StoredEventColumns;
}

/** Return false to stop the scan early. */
export type ChainVisitor = (entry: StoredChainEntry) => boolean;

/** Where a chain is read from for verification: Cassandra's `events_by_bucket`, or the embedded log plus its chain file. */
export interface ChainSource {
  /** The newest version every earlier link of which the store claims to hold; 0 when none. */
  head(): Promise<number>;
  /**
   * Visits what the store holds for `from..to`, in version order. Versions the store lacks entirely are simply
   * not visited; the verifier names them.
   */
  scan(from: number, to: number, visit: ChainVisitor): Promise<void>;
}
