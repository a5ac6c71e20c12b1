import { randomUUID } from 'node:crypto';
import { type KafkaConnection, withDeadline } from '@gantry/kafka';
import { childLogger, type Logger } from '@gantry/logging';
import {
  type AppendOptions,
  type ConfigLog,
  DEFAULT_APPEND_DEADLINE_MS,
  type LogHealth,
  type LogSubscription,
  type RecordHandler,
} from '../config-log';
import { LogClosedError, LogError, LogUnavailableError, errorMessage } from '../errors';
import { checkSubscribePosition } from '../subscribe-position';
import { ensureConfigTopic } from './config-topic';
import { KafkaAppender } from './kafka-appender';
import { describeKafkaError } from './kafka-errors';
import { KafkaSubscription } from './kafka-subscription';

export interface KafkaConfigLogOptions {
  /** The process's Kafka client. The log uses it but does not own it: close() leaves it open. */
  readonly connection: KafkaConnection;
  readonly topic: string;
  /** Replicas when the topic is created. Default: the number of brokers, at most 3. */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` when the topic is created. Default: a majority of the replicas. */
  readonly minInsyncReplicas?: number;
  /** Each subscription's consumer group is `<prefix>.<uuid>`. Default `gantry.config-log`. */
  readonly groupIdPrefix?: string;
  /** Bound on start(), subscribe(), headVersion() and earliestVersion(). Default 15000 ms. */
  readonly requestTimeoutMs?: number;
  /**
   * How long the broker may hold a fetch that finds nothing new. New records are delivered at once
   * regardless; this bounds how long closing a subscription waits. Default 1000 ms.
   */
  readonly fetchMaxWaitMs?: number;
  /** Concurrent appends share one produce request up to this many bytes. Default 512 KiB, below the broker's 1 MiB default. */
  readonly maxBatchBytes?: number;
  readonly logger?: Logger;
}

type State = 'new' | 'open' | 'closing' | 'closed';

/**
 * The config log on one single-partition Kafka topic: version = offset + 1, appends acknowledged by
 * every in-sync replica, and one consumer group per subscription so that each sees every record.
 *
 * When Kafka is unreachable, start() rejects with `LogUnavailableError` but the log stays usable:
 * later calls check the topic again, so a process can boot while Kafka is down and recover by itself.
 */
export class KafkaConfigLog implements ConfigLog {
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly appender: KafkaAppender;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private state: State = 'new';
  private topicChecked = false;
  private checkingTopic: Promise<void> | undefined;
  private topicError: string | null = null;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: KafkaConfigLogOptions) {
    this.logger = options.logger ?? childLogger('event-log');
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.appender = new KafkaAppender({
      topic: options.topic,
      createProducer: (config) => options.connection.kafka.producer(config),
      maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
      logger: this.logger,
    });
  }

  async start(): Promise<void> {
    if (this.state === 'new') this.state = 'open';
    this.assertOpen();
    await this.ensureTopic(this.timeoutMs);
  }

  async append(value: Buffer, options: AppendOptions = {}): Promise<number> {
    this.assertOpen();
    const deadlineMs = options.deadlineMs ?? DEFAULT_APPEND_DEADLINE_MS;
    const startedAt = Date.now();
    await this.ensureTopic(deadlineMs);
    const remainingMs = deadlineMs - (Date.now() - startedAt);
    if (remainingMs <= 0)
      throw new LogUnavailableError(`append did not complete within ${deadlineMs} ms; it was not sent`);
    return this.appender.append(options.key ?? null, value, remainingMs);
  }

  async subscribe(fromVersion: number, onRecord: RecordHandler): Promise<LogSubscription> {
    this.assertOpen();
    const { low, high } = await this.watermarks();
    checkSubscribePosition(fromVersion, low + 1, high);
    const subscription = await KafkaSubscription.open({
      kafka: this.options.connection.kafka,
      topic: this.options.topic,
      groupId: `${this.options.groupIdPrefix ?? 'gantry.config-log'}.${randomUUID()}`,
      fromVersion,
      handler: onRecord,
      connectTimeoutMs: this.timeoutMs,
      fetchMaxWaitMs: this.options.fetchMaxWaitMs ?? 1_000,
      logger: this.logger,
      onEnd: (ended) => this.subscriptions.delete(ended),
    });
    if (this.state !== 'open') {
      await subscription.close(); // the log was closed while this one was connecting
      throw new LogClosedError('the Kafka config log was closed');
    }
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headVersion(): Promise<number> {
    this.assertOpen();
    return (await this.watermarks()).high;
  }

  async earliestVersion(): Promise<number> {
    this.assertOpen();
    return (await this.watermarks()).low + 1;
  }

  health(): LogHealth {
    const kafka = this.options.connection.health();
    return {
      up: this.state === 'open' && this.topicChecked && kafka.up,
      backend: 'kafka',
      detail: `topic ${this.options.topic} on ${kafka.brokers.join(',')} (${this.state})`,
      lastError: this.appender.lastError ?? this.topicError ?? (kafka.up ? null : kafka.lastError),
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    // Appends already accepted finish (each within its own deadline); the connection stays open for its owner.
    await this.appender.close();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.state = 'closed';
  }

  private assertOpen(): void {
    if (this.state === 'new') throw new LogClosedError('the Kafka config log has not been started');
    if (this.state !== 'open') throw new LogClosedError('the Kafka config log is closed');
  }

  /** Checks (and if need be creates) the topic once; a failed check is retried by the next caller. */
  private async ensureTopic(timeoutMs: number): Promise<void> {
    if (this.topicChecked) return;
    this.checkingTopic ??= ensureConfigTopic(this.options.connection, this.options, this.logger).then(
      () => {
        this.topicChecked = true;
        this.topicError = null;
      },
      (error: unknown) => {
        this.checkingTopic = undefined;
        this.topicError = errorMessage(error);
        throw error;
      },
    );
    await this.bounded(this.checkingTopic, timeoutMs, `checking topic ${this.options.topic}`);
  }

  private async watermarks(): Promise<{ low: number; high: number }> {
    await this.ensureTopic(this.timeoutMs);
    const offsets = await this.bounded(
      this.options.connection.admin.fetchTopicOffsets(this.options.topic),
      this.timeoutMs,
      `reading the offsets of ${this.options.topic}`,
    );
    const partition = offsets.find((entry) => entry.partition === 0);
    if (!partition) throw new LogUnavailableError(`topic ${this.options.topic} reported no partition 0`);
    return { low: Number(partition.low), high: Number(partition.high) };
  }

  /** Bounds a Kafka call in time; our own errors pass through, anything else means Kafka is unavailable. */
  private async bounded<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    try {
      return await withDeadline(promise, timeoutMs, what);
    } catch (error) {
      if (error instanceof LogError) throw error;
      throw new LogUnavailableError(`${what}: ${describeKafkaError(error)}`, { cause: error });
    }
  }
}
