import { withDeadline } from '@gantry/kafka';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { LogRecord, LogSubscription, RecordHandler } from '../config-log';
import { LogUnavailableError, errorMessage } from '../errors';
import { OrderedDelivery } from '../ordered-delivery';

export interface KafkaSubscriptionOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Unique to this subscription: a shared group would split the partitions between its members. */
  readonly groupId: string;
  readonly fromVersion: number;
  readonly handler: RecordHandler;
  readonly connectTimeoutMs: number;
  /** How long the broker may hold an empty fetch; close() waits for the fetch in flight. */
  readonly fetchMaxWaitMs: number;
  readonly logger: Logger;
  readonly onEnd: (subscription: KafkaSubscription) => void;
}

/**
 * One consumer in a group of its own, positioned by seeking to `version - 1`. Nothing is ever
 * committed: the position is the subscriber's own version, and whenever the consumer (re)joins its
 * group it is sent back to the next version it still needs.
 */
export class KafkaSubscription implements LogSubscription {
  readonly stopped: Promise<void>;
  private readonly delivery: OrderedDelivery;
  private readonly consumer: Consumer;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: KafkaSubscriptionOptions) {
    this.delivery = new OrderedDelivery(options.fromVersion, options.handler);
    this.stopped = this.delivery.stopped;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
    });
  }

  static async open(options: KafkaSubscriptionOptions): Promise<KafkaSubscription> {
    const subscription = new KafkaSubscription(options);
    const starting = subscription.start();
    try {
      await withDeadline(starting, options.connectTimeoutMs, `subscribing to ${options.topic}`);
    } catch (error) {
      subscription.delivery.finish();
      // start() may still be connecting after the deadline: disconnect again once it has settled.
      const disconnect = (): Promise<void> => subscription.consumer.disconnect().catch(() => undefined);
      void starting.then(disconnect, disconnect);
      await subscription.shutDown();
      throw new LogUnavailableError(`could not subscribe to ${options.topic}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    return subscription;
  }

  nextVersion(): number {
    return this.delivery.nextVersion();
  }

  async close(): Promise<void> {
    this.delivery.finish();
    // Disconnecting waits for the running handler, so a handler closing its own subscription must not wait.
    if (this.delivery.inHandler) void this.shutDown();
    else await this.shutDown();
  }

  private async start(): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, () => this.seekToNext());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return; // kafkajs rejoins by itself, and GROUP_JOIN seeks again
      this.delivery.fail(new LogUnavailableError(`config log consumer stopped: ${errorMessage(payload.error)}`));
      void this.shutDown();
    });
    await consumer.connect();
    // fromBeginning only matters if a seek lands outside the log: then start early and skip, never late.
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: ({ message }) => this.onMessage(message) });
    this.seekToNext();
  }

  private seekToNext(): void {
    if (!this.delivery.isOpen) return;
    this.consumer.seek({ topic: this.options.topic, partition: 0, offset: String(this.delivery.nextVersion() - 1) });
  }

  private async onMessage(message: KafkaMessage): Promise<void> {
    if (!this.delivery.isOpen) return;
    // kafkajs must never see the handler's error: it would redeliver the message after a restart.
    if (!(await this.delivery.deliver(toRecord(message)))) void this.shutDown();
  }

  private shutDown(): Promise<void> {
    this.stopping ??= this.consumer
      .disconnect()
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'config log consumer did not disconnect cleanly'),
      )
      .finally(() => this.options.onEnd(this));
    return this.stopping;
  }
}

function toRecord(message: KafkaMessage): LogRecord {
  return {
    version: Number(message.offset) + 1,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    timestamp: Number(message.timestamp),
  };
}
