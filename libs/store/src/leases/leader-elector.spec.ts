import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { eventually } from '../testing/stored-state';
import { LeaderElector } from './leader-elector';
import type { LeaseStore } from './lease-store';
import { MemoryLeaseStore } from './memory-lease-store';

const logger = pino({ level: 'silent' });

function elector(store: LeaseStore, holder: string, events: string[]): LeaderElector {
  return new LeaderElector({
    store,
    name: 'discovery',
    holder,
    ttlMs: 300,
    intervalMs: 50,
    logger,
    onElected: () => events.push(`${holder} elected`),
    onDeposed: () => events.push(`${holder} deposed`),
  });
}

describe('LeaderElector', () => {
  it('elects exactly one of several, and a standby takes over when the leader stops', async () => {
    const store = new MemoryLeaseStore();
    const events: string[] = [];
    const a = elector(store, 'a', events);
    const b = elector(store, 'b', events);
    a.start();
    await eventually(() => a.isLeader);
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.isLeader).toBe(false);
    await a.stop();
    await eventually(() => b.isLeader);
    expect(events).toEqual(['a elected', 'a deposed', 'b elected']);
    await b.stop();
  });

  it('takes over from a leader that died without releasing, once its lease expired', async () => {
    const store = new MemoryLeaseStore();
    await store.tryAcquire('discovery', 'dead', 300);
    const events: string[] = [];
    const b = elector(store, 'b', events);
    b.start();
    await eventually(() => b.isLeader);
    expect(await store.holder('discovery')).toBe('b');
    await b.stop();
  });

  it('steps down when the store stays unreachable, before its lease could have expired elsewhere', async () => {
    const memory = new MemoryLeaseStore();
    let down = false;
    const flaky: LeaseStore = {
      tryAcquire: (n, h, t) => (down ? Promise.reject(new Error('down')) : memory.tryAcquire(n, h, t)),
      renew: (n, h, t) => (down ? Promise.reject(new Error('down')) : memory.renew(n, h, t)),
      release: (n, h) => memory.release(n, h),
      holder: (n) => memory.holder(n),
    };
    const events: string[] = [];
    const a = elector(flaky, 'a', events);
    a.start();
    await eventually(() => a.isLeader);
    down = true;
    await eventually(() => !a.isLeader);
    down = false;
    await eventually(() => a.isLeader);
    expect(events).toEqual(['a elected', 'a deposed', 'a elected']);
    await a.stop();
  });

  it('refuses an interval that leaves no room to renew', () => {
    expect(
      () =>
        new LeaderElector({
          store: new MemoryLeaseStore(),
          name: 'x',
          holder: 'a',
          ttlMs: 100,
          intervalMs: 60,
          logger,
          onElected: () => undefined,
          onDeposed: () => undefined,
        }),
    ).toThrow('lease interval must be under half its TTL');
  });
});
