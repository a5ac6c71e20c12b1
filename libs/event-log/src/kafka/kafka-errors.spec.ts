import { defaultMinInsyncReplicas } from './config-topic';
import { describeKafkaError, isRecordTooLarge } from './kafka-errors';

describe('Kafka helpers', () => {
  it('requires a majority of replicas in sync', () => {
    expect([1, 2, 3, 4, 5].map(defaultMinInsyncReplicas)).toEqual([1, 2, 2, 3, 3]);
  });

  it('finds the broker error kafkajs wraps in retry errors', () => {
    const protocol = Object.assign(new Error('message too large'), { type: 'MESSAGE_TOO_LARGE' });
    const wrapped = new Error('Number of retries exceeded', { cause: new Error('retry', { cause: protocol }) });
    expect(isRecordTooLarge(wrapped)).toBe(true);
    expect(isRecordTooLarge(new Error('other'))).toBe(false);
    expect(describeKafkaError(wrapped)).toBe('Number of retries exceeded: message too large');
    expect(describeKafkaError('plain')).toBe('plain');
  });
});
