import type { LogRecord } from '@gantry/event-log';

/**
 * Durable history of the config log, read when the log itself no longer holds a version (Kafka retention)
 * and by audit queries. The Cassandra adapter is fed by the persister; in embedded mode the log file is the
 * history and never drops records.
 */
export interface EventHistory {
  /** The highest version V such that every record 1..V is stored; 0 when nothing is. */
  persistedVersion(): Promise<number>;
  /** Records with `fromVersion <= version <= toVersion`, in order. Rejects when one is missing. */
  read(fromVersion: number, toVersion: number): AsyncIterable<LogRecord>;
  /**
   * The event timestamp (the writer's clock, epoch ms) of one stored version, read without its record; null when
   * the version is not stored. Optional: without it callers decode the record.
   */
  eventTimestamp?(version: number): Promise<number | null>;
}
