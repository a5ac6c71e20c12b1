import {
  applyEvent,
  createState,
  decodeEvent,
  encodeEvent,
  snapshotState,
  stateHash,
  type ConfigEvent,
  type ConfigState,
  type FoldOutcome,
} from '@gantry/config';
import { LogRecordTooLargeError, LogUnavailableError } from '@gantry/event-log';
import type {
  AppliedListener,
  ConfigReplica,
  ConfigWriter,
  ReplicaOutcome,
  ReplicaStatus,
  WriteOptions,
  WriteResult,
} from '@gantry/replica';
import type { SnapshotRecord } from '@gantry/store';

type FirstOutcome = FoldOutcome & { readonly event: ConfigEvent };

/**
 * A config replica and writer in one, without a log: each write is encoded and decoded (as the log would),
 * given the next version and folded with `applyEvent` at once. Repeated idempotency keys fold as
 * `duplicate`, like the real replica. For tests, and for running the admin before a log is wired.
 */
export class InMemoryConfigBackend implements ConfigReplica, ConfigWriter {
  readonly state: ConfigState = createState();
  private readonly outcomes = new Map<number, ReplicaOutcome>();
  private readonly firstByKey = new Map<string, FirstOutcome>();
  private readonly listeners = new Set<AppliedListener>();
  private lastAppliedAt: number | null = null;
  private unavailable = false;
  private delayMs = 0;
  private maxRecordBytes = Infinity;

  /** Test hook: make every write fail with `LogUnavailableError` (503) until called with false. */
  failWrites(fail: boolean): void {
    this.unavailable = fail;
  }

  /** Test hook: refuse records larger than this, as Kafka does past `max.message.bytes`. */
  limitRecordBytes(bytes: number): void {
    this.maxRecordBytes = bytes;
  }

  /** Test hook: wait this long before folding each write, so concurrent writes race like on a real log. */
  delayWrites(ms: number): void {
    this.delayMs = ms;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}

  version(): number {
    return this.state.version;
  }

  waitForVersion(version: number): Promise<void> {
    return version > this.state.version
      ? Promise.reject(new Error(`in-memory replica never reaches version ${version}`))
      : Promise.resolve();
  }

  outcomeOf(version: number): ReplicaOutcome | undefined {
    return this.outcomes.get(version);
  }

  idempotent(key: string): FirstOutcome | undefined {
    return this.firstByKey.get(key);
  }

  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): SnapshotRecord {
    return {
      version: this.state.version,
      hash: stateHash(this.state),
      takenAt: Date.now(),
      payload: Buffer.from(JSON.stringify(snapshotState(this.state))),
    };
  }

  status(): ReplicaStatus {
    return {
      version: this.state.version,
      hash: stateHash(this.state),
      headVersion: this.state.version,
      lag: 0,
      caughtUp: true,
      bootedFromSnapshot: 0,
      lastAppliedAt: this.lastAppliedAt,
      lastError: null,
    };
  }

  async write(event: ConfigEvent, _options?: WriteOptions): Promise<WriteResult> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.unavailable) throw new LogUnavailableError('in-memory log switched off by a test');
    const encoded = encodeEvent({ ...event, version: this.state.version + 1 });
    if (encoded.length > this.maxRecordBytes) {
      throw new LogRecordTooLargeError(`record of ${encoded.length} bytes exceeds the topic's limit`);
    }
    const logged = decodeEvent(encoded);
    const key = logged.idempotency_key;
    const first = typeof key === 'string' ? this.firstByKey.get(key) : undefined;
    let outcome: ReplicaOutcome;
    if (first !== undefined) {
      this.state.version = logged.version;
      outcome = { status: 'duplicate', version: logged.version, event: logged, first };
    } else {
      outcome = { ...applyEvent(this.state, logged), event: logged };
      if (typeof key === 'string') this.firstByKey.set(key, outcome);
    }
    this.outcomes.set(logged.version, outcome);
    this.lastAppliedAt = Date.now();
    for (const listener of this.listeners) listener(outcome, this.state);
    return outcome;
  }
}
