import type { LogRecord } from './config-log';
import { LogGapError } from './errors';
import { OrderedDelivery } from './ordered-delivery';

const record = (version: number): LogRecord => ({ version, key: null, value: Buffer.from('x'), timestamp: 0 });

describe('OrderedDelivery', () => {
  it('answers at once for a handler that returns nothing, and with a promise for one that waits', async () => {
    const seen: number[] = [];
    const sync = new OrderedDelivery(1, (r) => void seen.push(r.version));
    expect(sync.deliver(record(1))).toBe(true);
    expect(sync.deliver(record(2))).toBe(true);
    expect(sync.nextVersion()).toBe(3);

    const waiting = new OrderedDelivery(1, async (r) => {
      await Promise.resolve();
      seen.push(r.version * 10);
    });
    const answer = waiting.deliver(record(1));
    expect(answer).toBeInstanceOf(Promise);
    expect(waiting.inHandler).toBe(true);
    await expect(answer).resolves.toBe(true);
    expect(waiting.inHandler).toBe(false);
    expect(waiting.nextVersion()).toBe(2);
    expect(seen).toEqual([1, 2, 10]);
  });

  it('skips redelivered versions and ends on a gap', async () => {
    const delivery = new OrderedDelivery(1, () => undefined);
    expect(delivery.deliver(record(1))).toBe(true);
    expect(delivery.deliver(record(1))).toBe(true);
    expect(delivery.deliver(record(3))).toBe(false);
    await expect(delivery.stopped).rejects.toBeInstanceOf(LogGapError);
    expect(delivery.deliver(record(2))).toBe(false);
  });

  it('ends with the error of a handler that throws or rejects, without advancing', async () => {
    const throwing = new OrderedDelivery(1, () => {
      throw new Error('boom');
    });
    expect(throwing.deliver(record(1))).toBe(false);
    expect(throwing.inHandler).toBe(false);
    expect(throwing.nextVersion()).toBe(1);
    await expect(throwing.stopped).rejects.toThrow('boom');

    const rejecting = new OrderedDelivery(1, () => Promise.reject(new Error('later')));
    await expect(rejecting.deliver(record(1))).resolves.toBe(false);
    expect(rejecting.nextVersion()).toBe(1);
    await expect(rejecting.stopped).rejects.toThrow('later');
  });

  it('says false for a record delivered by a handler that finished the subscription', () => {
    const delivery: OrderedDelivery = new OrderedDelivery(1, () => delivery.finish());
    expect(delivery.deliver(record(1))).toBe(false);
    expect(delivery.nextVersion()).toBe(2);
  });
});
