import type { Producer, ProducerConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { LogRecordTooLargeError, LogUnavailableError } from '../errors';
import { describeKafkaError, isRecordTooLarge } from './kafka-errors';

export type ProducerFactory = (config: ProducerConfig) => Producer;

export interface KafkaAppenderOptions {
  readonly topic: string;
  readonly createProducer: ProducerFactory;
  /** Concurrent appends travel in one produce request up to this many bytes. */
  readonly maxBatchBytes: number;
  readonly logger: Logger;
}

interface PendingAppend {
  readonly key: string | null;
  readonly value: Buffer;
  readonly size: number;
  readonly deadlineMs: number;
  readonly resolve: (version: number) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  /** Handed to a producer at least once: from then on, failing it cannot promise it was not appended. */
  sent: boolean;
  settled: boolean;
}

interface GatedProducer {
  readonly producer: Producer;
  readonly connected: Promise<void>;
  /** Once abandoned, the producer's partitioner refuses every record, so a kafkajs retry cannot send it. */
  readonly gate: { abandoned: boolean };
}

class AbandonedAttemptError extends Error {
  // kafkajs retries any error that does not say otherwise.
  readonly retriable = false;
  constructor() {
    super('append attempt abandoned after its deadline');
  }
}

const ABANDONED = Symbol('abandoned');
const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;

/**
 * Sends appends to the single partition, one produce request at a time. Appends that arrive while
 * a request is in flight travel together in the next one, so concurrent writers share round trips.
 *
 * A producer is used only until something goes wrong. Any failure, or every caller in a batch
 * giving up, discards it: kafkajs rolls back an idempotent producer's sequence number after a
 * failed request, so the next record would reuse it and the broker could mistake it for a
 * duplicate of a request that did land; and a discarded producer's partitioner refuses records, so
 * its own retries cannot append something its caller was told had failed. The one ambiguity left
 * is a request already on the wire when the deadline passes: the broker may have appended it. The
 * caller's event id makes a retry of that append harmless to the fold.
 */
export class KafkaAppender {
  private queue: PendingAppend[] = [];
  private running = false;
  private drainWaiters: (() => void)[] = [];
  private producer: GatedProducer | undefined;
  private inFlight: { readonly items: PendingAppend[]; readonly abandon: () => void } | undefined;
  private maxBatchBytes: number;
  private lastFailure: string | null = null;

  constructor(private readonly options: KafkaAppenderOptions) {
    this.maxBatchBytes = options.maxBatchBytes;
  }

  /** Why the last produce request failed, or null if the last one succeeded. */
  get lastError(): string | null {
    return this.lastFailure;
  }

  append(key: string | null, value: Buffer, deadlineMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const size = value.length + (key === null ? 0 : Buffer.byteLength(key)) + 64;
      const pending: PendingAppend = { key, value, size, deadlineMs, resolve, reject, sent: false, settled: false };
      pending.timer = setTimeout(() => this.expire(pending), deadlineMs);
      pending.timer.unref();
      this.queue.push(pending);
      this.kick();
    });
  }

  /** Waits for every queued append to succeed or fail (each is bounded by its deadline), then drops the producer. */
  async close(): Promise<void> {
    if (this.running) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await producer.producer.disconnect().catch(() => undefined);
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    // Appends made in the same tick as the first one join its request.
    await Promise.resolve();
    let backoffMs = INITIAL_BACKOFF_MS;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        if (batch.length === 0) continue;
        if (await this.attempt(batch)) {
          backoffMs = INITIAL_BACKOFF_MS;
          continue;
        }
        this.queue.unshift(...batch.filter((pending) => !pending.settled));
        await new Promise((wait) => setTimeout(wait, backoffMs));
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    } finally {
      this.running = false;
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  private takeBatch(): PendingAppend[] {
    let count = 0;
    let bytes = 0;
    for (const pending of this.queue) {
      if (!pending.settled) {
        if (count > 0 && bytes + pending.size > this.maxBatchBytes) break;
        bytes += pending.size;
      }
      count++;
    }
    return this.queue.splice(0, count).filter((pending) => !pending.settled);
  }

  /** One produce request for `batch`. True when the batch is finished with, false to retry it. */
  private async attempt(batch: PendingAppend[]): Promise<boolean> {
    const gated = (this.producer ??= this.newProducer());
    let abandon!: () => void;
    const abandoned = new Promise<typeof ABANDONED>((resolve) => (abandon = () => resolve(ABANDONED)));
    this.inFlight = { items: batch, abandon };
    for (const pending of batch) pending.sent = true;
    const sending = this.send(gated, batch);
    try {
      const firstVersion = await Promise.race([sending, abandoned]);
      if (firstVersion === ABANDONED) {
        this.discard(gated, sending);
        return true;
      }
      this.lastFailure = null;
      batch.forEach((pending, i) => this.settle(pending, () => pending.resolve(firstVersion + i)));
      return true;
    } catch (error) {
      this.discard(gated, sending);
      this.lastFailure = describeKafkaError(error);
      this.options.logger.warn(
        { err: error, records: batch.length },
        'config log append failed; retrying with a new producer until the deadline',
      );
      return isRecordTooLarge(error) ? this.tooLarge(batch) : false;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async send(gated: GatedProducer, batch: PendingAppend[]): Promise<number> {
    await gated.connected;
    const [metadata] = await gated.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: batch.map(({ key, value }) => ({ key, value })),
    });
    if (metadata?.partition !== 0 || metadata.baseOffset === undefined) {
      throw new Error(`unexpected produce response ${JSON.stringify(metadata)}`);
    }
    // Kafka offsets count from 0, versions from 1.
    return Number(metadata.baseOffset) + 1;
  }

  private tooLarge(batch: PendingAppend[]): boolean {
    if (batch.length > 1) {
      // The topic's limit is lower than assumed: send smaller batches from now on.
      const batchBytes = batch.reduce((sum, pending) => sum + pending.size, 0);
      this.maxBatchBytes = Math.max(1, Math.floor(Math.min(this.maxBatchBytes, batchBytes) / 2));
      return false;
    }
    const [pending] = batch;
    this.settle(pending, () =>
      pending.reject(new LogRecordTooLargeError(`record of ${pending.value.length} bytes exceeds the topic's limit`)),
    );
    return true;
  }

  private newProducer(): GatedProducer {
    const gate = { abandoned: false };
    const producer = this.options.createProducer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Bounded so a discarded producer stops retrying soon; kafkajs warns about this for idempotent producers.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
      createPartitioner: () => () => {
        if (gate.abandoned) throw new AbandonedAttemptError();
        return 0;
      },
    });
    const connected = producer.connect();
    connected.catch(() => undefined);
    return { producer, connected, gate };
  }

  private discard(gated: GatedProducer, sending: Promise<unknown>): void {
    gated.gate.abandoned = true;
    if (this.producer === gated) this.producer = undefined;
    const disconnect = (): Promise<void> => gated.producer.disconnect().catch(() => undefined);
    void disconnect();
    // A failing request may reconnect the client on its way out; close it again once it has settled.
    void sending.then(disconnect, disconnect);
  }

  private expire(pending: PendingAppend): void {
    const outcome = pending.sent ? 'it was sent and may still have been appended' : 'it was not sent';
    const why = this.lastFailure ?? 'Kafka did not confirm it';
    this.settle(pending, () =>
      pending.reject(
        new LogUnavailableError(`append did not complete within ${pending.deadlineMs} ms (${why}); ${outcome}`),
      ),
    );
    if (this.inFlight?.items.every((item) => item.settled)) this.inFlight.abandon();
  }

  private settle(pending: PendingAppend, outcome: () => void): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    outcome();
  }
}
