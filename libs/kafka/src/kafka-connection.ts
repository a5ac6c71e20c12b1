import { Admin, ITopicConfig, Kafka, Partitioners, Producer, ProducerConfig } from 'kafkajs';
import { KafkaClientOptions, kafkaConfig } from './kafka-options';
import { withDeadline } from './deadline';

export interface KafkaHealth {
  readonly up: boolean;
  readonly brokers: readonly string[];
  /** Epoch ms of the last successful probe, or null if none yet. */
  readonly lastOkAt: number | null;
  readonly lastError: string | null;
}

export interface KafkaConnectionOptions extends KafkaClientOptions {
  /** How often the background probe asks the broker for cluster metadata over the existing connection. */
  readonly probeIntervalMs?: number;
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * One process's long-lived Kafka client: an admin client and, on demand, an idempotent producer.
 *
 * Health is read from state that a background probe keeps up to date over the already open admin
 * connection, so a health check never opens a connection of its own and answers instantly.
 */
export class KafkaConnection {
  readonly kafka: Kafka;
  readonly admin: Admin;
  private producer: Producer | undefined;
  private producerConnecting: Promise<Producer> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private inflightProbe: Promise<void> | undefined;
  private adminConnected = false;
  private closed = false;
  private state: { up: boolean; lastOkAt: number | null; lastError: string | null } = {
    up: false,
    lastOkAt: null,
    lastError: 'not connected yet',
  };

  constructor(private readonly options: KafkaConnectionOptions) {
    this.kafka = new Kafka(kafkaConfig(options));
    this.admin = this.kafka.admin();
    this.admin.on(this.admin.events.CONNECT, () => (this.adminConnected = true));
    this.admin.on(this.admin.events.DISCONNECT, () => {
      this.adminConnected = false;
      this.markDown('admin connection closed');
    });
  }

  /** Connects the admin client and starts the probe. Throws if the cluster cannot be reached in time. */
  async connect(timeoutMs = 15_000): Promise<void> {
    await withDeadline(this.admin.connect(), timeoutMs, 'connecting to Kafka');
    await this.probe();
    this.startProbe();
    if (!this.state.up) throw new Error(`Kafka is not reachable: ${this.state.lastError ?? 'unknown error'}`);
  }

  /** Starts probing without waiting: the process boots even while Kafka is down, and health says so. */
  startProbe(): void {
    if (this.probeTimer || this.closed) return;
    const interval = this.options.probeIntervalMs ?? 5_000;
    this.probeTimer = setInterval(() => void this.probe(), interval);
    this.probeTimer.unref();
    void this.probe();
  }

  health(): KafkaHealth {
    return { ...this.state, brokers: this.options.brokers };
  }

  /** An idempotent producer with `acks=all` semantics: each write lands once, in order. */
  async idempotentProducer(config: ProducerConfig = {}): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producerConnecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        ...config,
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => (this.producerConnecting = undefined));
    return this.producerConnecting;
  }

  /** Creates the topic if it does not exist; an existing topic is left as it is. */
  async ensureTopic(spec: TopicSpec): Promise<boolean> {
    // Asking first keeps the broker's "topic already exists" out of the error log on every boot but the first.
    if ((await this.admin.listTopics()).includes(spec.topic)) return false;
    const configEntries: ITopicConfig['configEntries'] = Object.entries(spec.configs ?? {}).map(([name, value]) => ({
      name,
      value,
    }));
    return this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.numPartitions ?? 1,
          replicationFactor: spec.replicationFactor ?? -1,
          configEntries,
        },
      ],
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    await Promise.allSettled([this.producer?.disconnect(), this.admin.disconnect(), this.inflightProbe]);
    this.markDown('closed');
  }

  /** Concurrent callers share one probe, so a slow broker never piles up metadata requests. */
  private probe(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.inflightProbe ??= this.runProbe().finally(() => (this.inflightProbe = undefined));
    return this.inflightProbe;
  }

  private async runProbe(): Promise<void> {
    const deadline = this.options.requestTimeoutMs ?? 5_000;
    try {
      // kafkajs reconnects lazily; the probe is what notices a broker that has come back.
      if (!this.adminConnected) await withDeadline(this.admin.connect(), deadline, 'connecting to Kafka');
      await withDeadline(this.admin.describeCluster(), deadline, 'Kafka metadata probe');
      this.state = { up: true, lastOkAt: Date.now(), lastError: null };
    } catch (error) {
      this.markDown(error instanceof Error ? error.message : String(error));
    }
  }

  private markDown(reason: string): void {
    this.state = { up: false, lastOkAt: this.state.lastOkAt, lastError: reason };
  }
}
