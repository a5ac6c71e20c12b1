import { context, harness } from '../testing/harness';
import type { Peer } from '../types';

const WEIGHTS = [
  ['10.0.0.1:80', 100],
  ['10.0.0.2:80', 200],
  ['10.0.0.3:80', 300],
] as const;

function expectShares(counts: Map<string, number>, total: number, tolerance: number): void {
  const weightSum = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  for (const [target, weight] of WEIGHTS) {
    const expected = (total * weight) / weightSum;
    expect(Math.abs((counts.get(target) ?? 0) - expected)).toBeLessThanOrEqual(expected * tolerance);
  }
}

describe('round-robin', () => {
  it('splits 6000 picks exactly 1:2:3', () => {
    const h = harness();
    h.targets(WEIGHTS);
    const counts = h.distribution(6000);
    expect(Object.fromEntries(counts)).toEqual({ '10.0.0.1:80': 1000, '10.0.0.2:80': 2000, '10.0.0.3:80': 3000 });
  });

  it('interleaves smoothly instead of in bursts', () => {
    const h = harness();
    h.targets([
      ['10.0.0.1:80', 5],
      ['10.0.0.2:80', 1],
      ['10.0.0.3:80', 1],
    ]);
    const order = Array.from({ length: 7 }, () => h.pickPeer().address.slice(-1)).join('');
    expect(order).toBe('1121311');
  });

  it('gives nothing to a target of weight 0', () => {
    const h = harness();
    h.targets([
      ['10.0.0.1:80', 0],
      ['10.0.0.2:80', 100],
    ]);
    expect(Object.fromEntries(h.distribution(50))).toEqual({ '10.0.0.2:80': 50 });
  });
});

describe('least-connections', () => {
  it('spreads concurrent requests by weight', () => {
    const h = harness({ algorithm: 'least-connections' });
    h.targets(WEIGHTS);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const peer = h.pickPeer();
      h.balancer.started(peer);
      counts.set(peer.target, (counts.get(peer.target) ?? 0) + 1);
    }
    expectShares(counts, 6000, 0.01);
  });

  it('sends the next request to the peer with the fewest in flight, and releases on finish', () => {
    const h = harness({ algorithm: 'least-connections' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    const a = h.pickPeer();
    h.balancer.started(a);
    const b = h.pickPeer();
    expect(b.key).not.toBe(a.key);
    h.balancer.started(b);
    h.balancer.finished(b, { kind: 'response', status: 200, latencyMs: 3 });
    for (let i = 0; i < 5; i++) expect(h.pickPeer().key).toBe(b.key);
    h.balancer.finished(a, { kind: 'response', status: 200, latencyMs: 3 });
    const next = new Set([h.pickPeer().key, h.pickPeer().key]);
    expect(next.size).toBe(2);
  });

  it('shares equally when every request finishes before the next', () => {
    const h = harness({ algorithm: 'least-connections' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    expect(Object.fromEntries(h.distribution(100))).toEqual({ '10.0.0.1:80': 50, '10.0.0.2:80': 50 });
  });
});

describe('latency (peak EWMA)', () => {
  function run(h: ReturnType<typeof harness>, n: number, latency: (p: Peer) => number): Map<string, number> {
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const peer = h.pickPeer();
      h.balancer.started(peer);
      h.clock.advance(latency(peer));
      h.balancer.finished(peer, { kind: 'response', status: 200, latencyMs: latency(peer) });
      counts.set(peer.address, (counts.get(peer.address) ?? 0) + 1);
    }
    return counts;
  }

  it('prefers the faster peer', () => {
    const h = harness({ algorithm: 'latency' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    const counts = run(h, 1000, (p) => (p.address === '10.0.0.1' ? 5 : 50));
    expect(counts.get('10.0.0.1')).toBeGreaterThan(950);
  });

  it('switches when the fast peer slows down (peak sensitivity)', () => {
    const h = harness({ algorithm: 'latency' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    run(h, 100, (p) => (p.address === '10.0.0.1' ? 5 : 50));
    const after = run(h, 100, (p) => (p.address === '10.0.0.1' ? 500 : 50));
    expect(after.get('10.0.0.2')).toBeGreaterThan(90);
  });

  it('charges failures so a peer refusing connections does not look fast', () => {
    const h = harness({ algorithm: 'latency' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const peer = h.pickPeer();
      h.balancer.started(peer);
      h.clock.advance(5);
      if (peer.address === '10.0.0.1') h.balancer.finished(peer, { kind: 'tcp-error' });
      else h.balancer.finished(peer, { kind: 'response', status: 200, latencyMs: 40 });
      counts.set(peer.address, (counts.get(peer.address) ?? 0) + 1);
    }
    expect(counts.get('10.0.0.2')).toBeGreaterThan(190);
  });

  it('spreads concurrent load by cost', () => {
    const h = harness({ algorithm: 'latency' });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
    ]);
    run(h, 10, (p) => (p.address === '10.0.0.1' ? 10 : 30));
    const inFlight = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const peer = h.pickPeer();
      h.balancer.started(peer);
      inFlight.set(peer.address, (inFlight.get(peer.address) ?? 0) + 1);
    }
    expect(inFlight.get('10.0.0.1')).toBeGreaterThan(inFlight.get('10.0.0.2')!);
    expect(inFlight.get('10.0.0.2')).toBeGreaterThan(0);
  });
});

describe('consistent-hashing', () => {
  const byHeader = { algorithm: 'consistent-hashing', hash_on: 'header', hash_on_header: 'x-user' };
  const user = (i: number) => context({ headers: { 'x-user': `user-${i}` } });

  it('sends the same key to the same peer, and spreads keys by weight', () => {
    const h = harness(byHeader);
    h.targets(WEIGHTS);
    const first = Array.from({ length: 6000 }, (_, i) => h.pickPeer(user(i)).key);
    const again = Array.from({ length: 6000 }, (_, i) => h.pickPeer(user(i)).key);
    expect(again).toEqual(first);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const t = h.pickPeer(user(i)).target;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expectShares(counts, 6000, 0.25);
  });

  it('remaps only the keys of a removed target', () => {
    const h = harness(byHeader);
    const ids = h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
      ['10.0.0.3:80', 100],
      ['10.0.0.4:80', 100],
    ]);
    const before = Array.from({ length: 4000 }, (_, i) => h.pickPeer(user(i)).address);
    h.balancer.removeTarget(ids[3]);
    const after = Array.from({ length: 4000 }, (_, i) => h.pickPeer(user(i)).address);
    let moved = 0;
    let movedFromRemoved = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      if (before[i] === '10.0.0.4') movedFromRemoved++;
    }
    expect(moved).toBe(movedFromRemoved);
    expect(moved).toBeGreaterThan(4000 * 0.15);
    expect(moved).toBeLessThan(4000 * 0.35);
  });

  it('walks to the next peer on the ring when the hashed one was tried or is down', () => {
    const h = harness({ ...byHeader, healthchecks: { passive: { unhealthy: { http_failures: 1, cooldown: 0 } } } });
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
      ['10.0.0.3:80', 100],
    ]);
    const home = h.pickPeer(user(7));
    const retry = h.pickPeer(user(7), new Set([home.key]));
    expect(retry.key).not.toBe(home.key);
    h.balancer.finished(home, { kind: 'response', status: 500, latencyMs: 1 });
    expect(h.pickPeer(user(7)).key).toBe(retry.key);
  });

  it('balances by weighted round-robin when there is nothing to hash', () => {
    const h = harness({ algorithm: 'consistent-hashing' });
    h.targets(WEIGHTS);
    expect(Object.fromEntries(h.distribution(600))).toEqual({
      '10.0.0.1:80': 100,
      '10.0.0.2:80': 200,
      '10.0.0.3:80': 300,
    });
  });
});
