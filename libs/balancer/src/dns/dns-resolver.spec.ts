import { ManualClock } from '../testing/manual-clock';
import { settle, thrownCode } from '../testing/harness';
import { DnsResolver, type DnsAnswer } from './dns-resolver';
import { systemResolve, type DnsRecord } from './system-resolve';

function counting(table: Record<string, readonly DnsRecord[] | Error>) {
  const calls: string[] = [];
  const resolve = (host: string): Promise<readonly DnsRecord[]> => {
    calls.push(host);
    const entry = table[host];
    if (entry === undefined) return Promise.reject(new Error('ENOTFOUND'));
    return entry instanceof Error ? Promise.reject(entry) : Promise.resolve(entry);
  };
  return { calls, resolve };
}

describe('DnsResolver', () => {
  it('caches answers for their TTL, then refreshes', async () => {
    const clock = new ManualClock();
    const table: Record<string, readonly DnsRecord[]> = {
      'a.test': [
        { address: '10.0.0.2', ttl: 60 },
        { address: '10.0.0.1', ttl: 20 },
      ],
    };
    const { calls, resolve } = counting(table);
    const r = new DnsResolver({ resolve, clock });
    expect(await r.resolve('a.test')).toEqual({ ok: true, addresses: ['10.0.0.1', '10.0.0.2'], stale: false });
    clock.advance(19_000);
    await r.resolve('a.test');
    expect(calls).toHaveLength(1);
    clock.advance(1_000);
    table['a.test'] = [{ address: '10.0.0.3', ttl: 20 }];
    // An expired good answer is served at once while the refresh runs.
    expect(await r.resolve('a.test')).toMatchObject({ addresses: ['10.0.0.1', '10.0.0.2'] });
    await settle();
    expect(r.cached('a.test')).toMatchObject({ addresses: ['10.0.0.3'] });
    expect(calls).toHaveLength(2);
  });

  it('clamps TTLs', async () => {
    const clock = new ManualClock();
    const { calls, resolve } = counting({ 'z.test': [{ address: '10.0.0.1', ttl: 0 }] });
    const r = new DnsResolver({ resolve, clock, minTtlSeconds: 5, maxTtlSeconds: 10 });
    await r.resolve('z.test');
    clock.advance(4_999);
    await r.resolve('z.test');
    expect(calls).toHaveLength(1);
  });

  it('never looks up IP literals', async () => {
    const { calls, resolve } = counting({});
    const r = new DnsResolver({ resolve });
    expect(await r.resolve('192.0.2.1')).toEqual({ ok: true, addresses: ['192.0.2.1'], stale: false });
    expect(await r.resolve('2001:db8::1')).toMatchObject({ addresses: ['2001:db8::1'] });
    const seen: DnsAnswer[] = [];
    r.watch('10.0.0.1', (a) => seen.push(a));
    expect(seen).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('caches errors briefly, backing off, and shares one lookup between callers', async () => {
    const clock = new ManualClock();
    const { calls, resolve } = counting({});
    const r = new DnsResolver({ resolve, clock, errorTtlSeconds: 1, maxErrorTtlSeconds: 4 });
    const [a, b] = await Promise.all([r.resolve('gone.test'), r.resolve('gone.test')]);
    expect(a).toEqual({ ok: false, error: 'ENOTFOUND' });
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
    await r.resolve('gone.test');
    expect(calls).toHaveLength(1);
    clock.advance(1_000);
    await r.resolve('gone.test');
    expect(calls).toHaveLength(2);
    clock.advance(1_000);
    await r.resolve('gone.test');
    expect(calls).toHaveLength(2);
    clock.advance(1_000);
    await r.resolve('gone.test');
    expect(calls).toHaveLength(3);
  });

  it('refreshes watched names in the background and reports only changes', async () => {
    const clock = new ManualClock();
    const table: Record<string, readonly DnsRecord[] | Error> = { 'w.test': [{ address: '10.0.0.1', ttl: 10 }] };
    const { calls, resolve } = counting(table);
    const r = new DnsResolver({ resolve, clock, staleTtlSeconds: 30 });
    const seen: DnsAnswer[] = [];
    const stop = r.watch('w.test', (a) => seen.push(a));
    await settle();
    expect(seen).toEqual([{ ok: true, addresses: ['10.0.0.1'], stale: false }]);
    clock.advance(10_000);
    await settle();
    expect(calls).toHaveLength(2);
    expect(seen).toHaveLength(1);
    table['w.test'] = new Error('SERVFAIL');
    clock.advance(10_000);
    await settle();
    expect(seen[1]).toEqual({ ok: true, addresses: ['10.0.0.1'], stale: true });
    for (let i = 0; i < 6; i++) {
      clock.advance(30_000);
      await settle();
    }
    expect(seen.at(-1)).toEqual({ ok: false, error: 'SERVFAIL' });
    table['w.test'] = [{ address: '10.0.0.7', ttl: 10 }];
    clock.advance(30_000);
    await settle();
    expect(seen.at(-1)).toEqual({ ok: true, addresses: ['10.0.0.7'], stale: false });
    const before = calls.length;
    stop();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    await settle();
    expect(calls).toHaveLength(before);
  });

  it('hands a new watcher the cached answer synchronously', async () => {
    const { resolve } = counting({ 's.test': [{ address: '10.0.0.1', ttl: 10 }] });
    const r = new DnsResolver({ resolve, clock: new ManualClock() });
    await r.resolve('s.test');
    const seen: DnsAnswer[] = [];
    r.watch('s.test', (a) => seen.push(a));
    expect(seen).toHaveLength(1);
    r.close();
    expect(thrownCode(() => r.watch('s.test', () => undefined))).toBe('GANTRY_BALANCER_CLOSED');
  });

  it('evicts unwatched names beyond maxEntries', async () => {
    const { calls, resolve } = counting({
      'a.test': [{ address: '10.0.0.1', ttl: 60 }],
      'b.test': [{ address: '10.0.0.2', ttl: 60 }],
    });
    const r = new DnsResolver({ resolve, clock: new ManualClock(), maxEntries: 1 });
    await r.resolve('a.test');
    await r.resolve('b.test');
    expect(r.cached('a.test')).toBeUndefined();
    await r.resolve('a.test');
    expect(calls).toEqual(['a.test', 'b.test', 'a.test']);
  });

  it('validates its options', () => {
    expect(thrownCode(() => new DnsResolver({ minTtlSeconds: 10, maxTtlSeconds: 5 }))).toBe(
      'GANTRY_BALANCER_INVALID_OPTIONS',
    );
    expect(thrownCode(() => new DnsResolver({ errorTtlSeconds: -1 }))).toBe('GANTRY_BALANCER_INVALID_OPTIONS');
  });
});

describe('systemResolve', () => {
  it('resolves localhost through the hosts file', async () => {
    const records = await systemResolve('localhost');
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.address === '127.0.0.1' || r.address === '::1')).toBe(true);
    expect(await new DnsResolver().resolve('localhost')).toMatchObject({ ok: true });
  });
});
