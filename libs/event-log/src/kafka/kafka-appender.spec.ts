import type { Producer, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import pino from 'pino';
import { LogRecordTooLargeError, LogUnavailableError } from '../errors';
import { KafkaAppender } from './kafka-appender';

type SendBehaviour = (producer: FakeProducer, record: ProducerRecord) => Promise<RecordMetadata[]>;

/** Stands in for a kafkajs producer; `send` runs the partitioner the way kafkajs does on every attempt. */
class FakeProducer {
  readonly sent: string[][] = [];
  disconnected = false;
  constructor(
    readonly config: ProducerConfig,
    private readonly behaviour: SendBehaviour,
    private readonly connectError: Error | null,
  ) {}

  connect(): Promise<void> {
    return this.connectError ? Promise.reject(this.connectError) : Promise.resolve();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.partition();
    this.sent.push(record.messages.map((message) => String(message.value)));
    return this.behaviour(this, record);
  }

  /** What a kafkajs retry of the same request does first. */
  partition(): number {
    const partitioner = this.config.createPartitioner!();
    return partitioner({ topic: 't', partitionMetadata: [], message: { value: null } });
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }
}

function harness(behaviour: SendBehaviour, options: { connectError?: Error; maxBatchBytes?: number } = {}) {
  const producers: FakeProducer[] = [];
  let offset = 0;
  const appender = new KafkaAppender({
    topic: 't',
    maxBatchBytes: options.maxBatchBytes ?? 1 << 20,
    logger: pino({ level: 'silent' }),
    createProducer: (config) => {
      const producer = new FakeProducer(config, behaviour, options.connectError ?? null);
      producers.push(producer);
      return producer as unknown as Producer;
    },
  });
  const acknowledge = (record: ProducerRecord): RecordMetadata[] => {
    const baseOffset = String(offset);
    offset += record.messages.length;
    return [{ topicName: 't', partition: 0, errorCode: 0, baseOffset }];
  };
  return { appender, producers, acknowledge };
}

const v = (text: string): Buffer => Buffer.from(text);

describe('KafkaAppender', () => {
  it('sends appends made together as one request and numbers them from offset + 1', async () => {
    const h = harness((_, record) => Promise.resolve(h.acknowledge(record)));
    const versions = await Promise.all(['a', 'b', 'c'].map((text) => h.appender.append(null, v(text), 1_000)));
    expect(versions).toEqual([1, 2, 3]);
    expect(h.producers).toHaveLength(1);
    expect(h.producers[0].sent).toEqual([['a', 'b', 'c']]);
    expect(h.producers[0].config).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(h.producers[0].partition()).toBe(0);
  });

  it('queues appends while a request is in flight and sends them together next', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = harness(async (_, record) => {
      await gate;
      return h.acknowledge(record);
    });
    const first = h.appender.append(null, v('a'), 1_000);
    await new Promise((wait) => setImmediate(wait));
    const rest = ['b', 'c', 'd'].map((text) => h.appender.append(null, v(text), 1_000));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3, 4]);
    expect(h.producers[0].sent).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('fails at the deadline, drops the producer, and its retries can no longer send the record', async () => {
    const h = harness(() => new Promise<never>(() => undefined)); // the broker never answers
    const started = Date.now();
    const failure = h.appender.append(null, v('late'), 100);
    await expect(failure).rejects.toBeInstanceOf(LogUnavailableError);
    await expect(failure).rejects.toThrow(/within 100 ms .*may still have been appended/);
    expect(Date.now() - started).toBeLessThan(500);
    const [abandoned] = h.producers;
    expect(abandoned.disconnected).toBe(true);
    expect(() => abandoned.partition()).toThrow('abandoned');
    expect(retriable(() => abandoned.partition())).toBe(false);
  });

  it('retries a failed request on a new producer and succeeds within the deadline', async () => {
    let calls = 0;
    const h = harness((_, record) =>
      ++calls === 1 ? Promise.reject(new Error('NOT_LEADER_FOR_PARTITION')) : Promise.resolve(h.acknowledge(record)),
    );
    expect(await h.appender.append('k', v('x'), 2_000)).toBe(1);
    expect(h.producers).toHaveLength(2);
    expect(h.producers[0].disconnected).toBe(true);
    expect(h.appender.lastError).toBeNull();
  });

  it('reports the broker being unreachable with the reason, within the deadline', async () => {
    const h = harness(() => Promise.reject(new Error('unused')), {
      connectError: new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'),
    });
    const started = Date.now();
    await expect(h.appender.append(null, v('x'), 400)).rejects.toThrow(/within 400 ms \(.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(900);
    expect(h.appender.lastError).toContain('ECONNREFUSED');
    await h.appender.close();
  });

  it('rejects a record the topic is too small for, and splits batches that are too big', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), {
      type: 'MESSAGE_TOO_LARGE',
    });
    const h = harness((_, record) =>
      record.messages.length > 1 || String(record.messages[0].value) === 'huge'
        ? Promise.reject(new Error('retries exceeded', { cause: tooLarge }))
        : Promise.resolve(h.acknowledge(record)),
    );
    await expect(h.appender.append(null, v('huge'), 2_000)).rejects.toBeInstanceOf(LogRecordTooLargeError);
    const versions = await Promise.all(['a', 'b'].map((text) => h.appender.append(null, v(text), 3_000)));
    expect(versions.sort()).toEqual([1, 2]);
  });

  it('does not send an append whose deadline passed while it was queued', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = harness(async (_, record) => {
      await gate;
      return h.acknowledge(record);
    });
    const first = h.appender.append(null, v('a'), 5_000);
    await new Promise((wait) => setImmediate(wait));
    const queued = h.appender.append(null, v('b'), 50);
    await expect(queued).rejects.toThrow(/it was not sent/);
    release();
    expect(await first).toBe(1);
    await h.appender.close();
    expect(h.producers[0].sent).toEqual([['a']]);
  });
});

function retriable(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return (error as { retriable?: unknown }).retriable;
  }
  return 'did not throw';
}
