import { DnsResolver } from './dns/dns-resolver';
import { BalancerError } from './errors';
import { targetEntity, upstreamEntity, uuid } from './testing/entities';
import { context, harness, settle, thrownCode, UPSTREAM_ID } from './testing/harness';
import type { Outcome } from './types';
import { UpstreamBalancer } from './upstream-balancer';

const OK: Outcome = { kind: 'response', status: 200, latencyMs: 2 };
const FAIL: Outcome = { kind: 'response', status: 500, latencyMs: 2 };
const THREE = [
  ['10.0.0.1:80', 100],
  ['10.0.0.2:80', 100],
  ['10.0.0.3:80', 100],
] as const;

function passive(unhealthy: Record<string, number>, extra: Record<string, unknown> = {}) {
  return { healthchecks: { passive: { unhealthy, healthy: { successes: 2 } }, ...extra } };
}

describe('construction', () => {
  it('rejects bad dependencies and invalid upstreams with codes', () => {
    const up = upstreamEntity(UPSTREAM_ID, 'u');
    expect(thrownCode(() => new UpstreamBalancer(up, {} as never))).toBe('GANTRY_BALANCER_INVALID_OPTIONS');
    const resolver = new DnsResolver();
    expect(thrownCode(() => new UpstreamBalancer({ ...up, algorithm: 'random' }, { resolver }))).toBe(
      'GANTRY_BALANCER_INVALID_UPSTREAM',
    );
    expect(() => new UpstreamBalancer({ ...up, algorithm: 'random' }, { resolver })).toThrow(/^algorithm: /);
    expect(() => new UpstreamBalancer({ ...up, slots: 5 }, { resolver })).toThrow(BalancerError);
  });

  it('rejects targets of another upstream', () => {
    const h = harness();
    expect(thrownCode(() => h.balancer.upsertTarget(targetEntity(uuid(9), uuid(2), '10.0.0.1:80')))).toBe(
      'GANTRY_BALANCER_WRONG_UPSTREAM',
    );
  });
});

describe('pick', () => {
  it('says why it has no peer', async () => {
    const h = harness({}, { 'up.example': [{ address: '10.9.0.1', ttl: 30 }] });
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
    h.targets([['nowhere.example:80', 100]]);
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'dns-error' });
    await settle();
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'dns-error' });
    expect(h.balancer.health().targets[0]).toMatchObject({ health: 'DNS_ERROR', dns: 'error', addresses: [] });
    h.balancer.upsertTarget(targetEntity(uuid(200), UPSTREAM_ID, 'up.example:8080'));
    await settle();
    expect(h.pickPeer()).toMatchObject({
      host: 'up.example',
      address: '10.9.0.1',
      port: 8080,
      target: 'up.example:8080',
    });
  });

  it('returns the same peer object every time, and its key names target and address', () => {
    const h = harness();
    const [id] = h.targets([['10.0.0.1:80', 100]]);
    const p = h.pickPeer();
    expect(p.key).toBe(`${id}|10.0.0.1:80`);
    expect(h.pickPeer()).toBe(p);
    expect(h.balancer.pick(context())).toBe(h.balancer.pick(context()));
  });

  it('treats weight 0 as disabled and reports no-targets when nothing is left', () => {
    const h = harness();
    const [id] = h.targets([['10.0.0.1:80', 100]]);
    h.balancer.upsertTarget(targetEntity(id, UPSTREAM_ID, '10.0.0.1:80', { weight: 0 }));
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
    expect(h.balancer.health().targets).toEqual([]);
  });

  it('avoids tried peers while others remain, then falls back to them', () => {
    const h = harness();
    h.targets(THREE);
    const tried = new Set<string>();
    for (let i = 0; i < 3; i++) tried.add(h.pickPeer(context(), tried).key);
    expect(tried.size).toBe(3);
    expect(tried.has(h.pickPeer(context(), tried).key)).toBe(true);
  });

  it('keeps the newest entry of a target string (Kong target history)', () => {
    const h = harness();
    h.balancer.upsertTarget(targetEntity(uuid(11), UPSTREAM_ID, '10.0.0.1:80', { weight: 100, created_at: 5 }));
    h.balancer.upsertTarget(targetEntity(uuid(12), UPSTREAM_ID, '10.0.0.1:80', { weight: 0, created_at: 6 }));
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
    h.balancer.removeTarget(uuid(12));
    expect(h.pickPeer().targetId).toBe(uuid(11));
  });

  it('expands a hostname to each address with the full weight, and follows DNS changes', async () => {
    const table = {
      'svc.example': [
        { address: '10.1.0.1', ttl: 10 },
        { address: '10.1.0.2', ttl: 10 },
      ],
    };
    const h = harness({}, table);
    h.targets([
      ['svc.example:80', 100],
      ['10.0.0.9:80', 100],
    ]);
    await settle();
    expect(h.balancer.health().weight.total).toBe(300);
    const counts = h.distribution(300);
    expect(Object.fromEntries(counts)).toEqual({ 'svc.example:80': 200, '10.0.0.9:80': 100 });
    const kept = h.balancer.health().targets.find((t) => t.target === 'svc.example:80');
    expect(kept?.addresses.map((a) => a.ip)).toEqual(['10.1.0.1', '10.1.0.2']);
    table['svc.example'] = [{ address: '10.1.0.2', ttl: 10 }];
    h.clock.advance(10_000);
    await settle();
    expect(h.balancer.health().targets.find((t) => t.target === 'svc.example:80')?.addresses).toHaveLength(1);
  });
});

describe('threshold', () => {
  it('fails the whole upstream below healthchecks.threshold percent of healthy weight', () => {
    const h = harness(passive({ http_failures: 1, cooldown: 0 }, { threshold: 50 }));
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
      ['10.0.0.3:80', 200],
    ]);
    const eject = (address: string) => {
      for (;;) {
        const p = h.pickPeer();
        h.balancer.finished(p, p.address === address ? FAIL : OK);
        if (p.address === address) return;
      }
    };
    eject('10.0.0.1');
    expect(h.balancer.health()).toMatchObject({ healthy: true, weight: { total: 400, available: 300 } });
    eject('10.0.0.2');
    expect(h.balancer.health()).toMatchObject({ healthy: true, weight: { available: 200 } });
    eject('10.0.0.3');
    expect(h.balancer.health().healthy).toBe(false);
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-healthy' });
    expect(h.events.filter((e) => e.kind === 'upstream').map((e) => e.healthy)).toEqual([true, false]);
  });

  it('with the default threshold 0, serves while any peer is healthy', () => {
    const h = harness(passive({ http_failures: 1, cooldown: 0 }));
    h.targets(THREE.slice(0, 2));
    const first = h.pickPeer();
    h.balancer.finished(first, FAIL);
    for (let i = 0; i < 5; i++) expect(h.pickPeer().key).not.toBe(first.key);
  });
});

describe('passive checks', () => {
  it('ejects after the configured failures, counting each kind separately', () => {
    const h = harness(passive({ http_failures: 3, timeouts: 2, tcp_failures: 1, cooldown: 0 }));
    h.targets(THREE);
    const p = h.pickPeer();
    h.balancer.finished(p, FAIL);
    h.balancer.finished(p, { kind: 'timeout' });
    h.balancer.finished(p, FAIL);
    expect(h.balancer.health().weight.available).toBe(300);
    h.balancer.finished(p, { kind: 'timeout' });
    expect(h.balancer.health().weight.available).toBe(200);
    expect(h.events).toContainEqual(
      expect.objectContaining({ kind: 'address', peer: p, healthy: false, reason: 'passive' }),
    );
    const q = h.pickPeer();
    h.balancer.finished(q, { kind: 'tcp-error' });
    expect(h.balancer.health().weight.available).toBe(100);
  });

  it('resets failure counters on a success once successes are counted', () => {
    const h = harness(passive({ http_failures: 2, cooldown: 0 }));
    h.targets(THREE);
    const p = h.pickPeer();
    h.balancer.finished(p, FAIL);
    h.balancer.finished(p, OK);
    h.balancer.finished(p, FAIL);
    expect(h.balancer.health().weight.available).toBe(300);
    h.balancer.finished(p, FAIL);
    expect(h.balancer.health().weight.available).toBe(200);
  });

  it('ignores statuses in neither list, and everything while checks are off', () => {
    const h = harness(passive({ http_failures: 1, cooldown: 0 }));
    h.targets(THREE);
    const p = h.pickPeer();
    h.balancer.finished(p, { kind: 'response', status: 404, latencyMs: 1 });
    expect(h.balancer.health().weight.available).toBe(300);

    const off = harness();
    off.targets(THREE);
    const q = off.pickPeer();
    for (let i = 0; i < 10; i++) off.balancer.finished(q, FAIL);
    expect(off.balancer.health()).toMatchObject({ healthchecks: false, weight: { available: 300 } });
    expect(off.balancer.health().targets.map((t) => t.health)).toEqual([
      'HEALTHCHECKS_OFF',
      'HEALTHCHECKS_OFF',
      'HEALTHCHECKS_OFF',
    ]);
  });

  it('never brings an ejected peer back with cooldown 0 (Kong)', () => {
    const h = harness(passive({ http_failures: 1, cooldown: 0 }));
    h.targets(THREE.slice(0, 2));
    const p = h.pickPeer();
    h.balancer.finished(p, FAIL);
    h.clock.advance(3_600_000);
    for (let i = 0; i < 10; i++) expect(h.pickPeer().key).not.toBe(p.key);
  });
});

describe('half-open recovery (Gantry)', () => {
  function ejected() {
    const h = harness(passive({ http_failures: 1, cooldown: 30 }));
    h.targets(THREE.slice(0, 2));
    const p = h.pickPeer();
    h.balancer.finished(p, FAIL);
    return { h, p };
  }

  it('lets one trial request through after the cool-down; success makes the peer healthy', () => {
    const { h, p } = ejected();
    h.clock.advance(29_999);
    for (let i = 0; i < 5; i++) expect(h.pickPeer().key).not.toBe(p.key);
    h.clock.advance(1);
    expect(h.balancer.health().targets.find((t) => t.id === p.targetId)?.addresses[0].circuit).toBe('half-open');
    const picks = Array.from({ length: 4 }, () => h.pickPeer());
    expect(picks.filter((x) => x === p)).toHaveLength(1);
    expect(h.balancer.health().targets.find((t) => t.id === p.targetId)?.addresses[0].circuit).toBe('trial');
    h.balancer.finished(p, OK);
    expect(h.balancer.health().weight.available).toBe(200);
    expect(h.events).toContainEqual(
      expect.objectContaining({ kind: 'address', peer: p, healthy: true, reason: 'half-open' }),
    );
    expect(Object.fromEntries(h.distribution(10))).toEqual({ '10.0.0.1:80': 5, '10.0.0.2:80': 5 });
  });

  it('re-ejects for another cool-down when the trial fails', () => {
    const { h, p } = ejected();
    h.clock.advance(30_000);
    const trial = Array.from({ length: 2 }, () => h.pickPeer()).find((x) => x === p)!;
    h.balancer.finished(trial, { kind: 'timeout' });
    for (let i = 0; i < 6; i++) expect(h.pickPeer().key).not.toBe(p.key);
    h.clock.advance(30_000);
    expect(Array.from({ length: 2 }, () => h.pickPeer())).toContain(p);
  });

  it('gives a trial up after another cool-down if its outcome never arrives', () => {
    const { h, p } = ejected();
    h.clock.advance(30_000);
    expect(Array.from({ length: 2 }, () => h.pickPeer())).toContain(p);
    h.clock.advance(30_000);
    expect(Array.from({ length: 2 }, () => h.pickPeer())).toContain(p);
  });

  it('recovers an upstream whose every peer was ejected', () => {
    const h = harness(passive({ tcp_failures: 1, cooldown: 5 }));
    h.targets([['10.0.0.1:80', 100]]);
    const p = h.pickPeer();
    h.balancer.finished(p, { kind: 'tcp-error' });
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-healthy' });
    h.clock.advance(5_000);
    expect(h.pickPeer()).toBe(p);
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-healthy' });
    h.balancer.finished(p, OK);
    expect(h.pickPeer()).toBe(p);
    expect(h.balancer.health().healthy).toBe(true);
  });
});

describe('manual health (setTargetHealth)', () => {
  it('forces a target down and up, per process', () => {
    const h = harness(passive({ http_failures: 5 }));
    const [a] = h.targets(THREE.slice(0, 2));
    h.balancer.setTargetHealth(a, false);
    expect(h.balancer.health().targets.find((t) => t.id === a)?.health).toBe('UNHEALTHY');
    h.clock.advance(3_600_000);
    for (let i = 0; i < 4; i++) expect(h.pickPeer().targetId).not.toBe(a);
    h.balancer.setTargetHealth(a, true, '10.0.0.1:80');
    expect(h.balancer.health().targets.find((t) => t.id === a)?.health).toBe('HEALTHY');
    expect(h.events.filter((e) => e.kind === 'address').map((e) => e.kind === 'address' && e.reason)).toEqual([
      'manual',
      'manual',
    ]);
  });

  it('refuses when checks are off or the target is unknown', () => {
    const h = harness();
    const [a] = h.targets([['10.0.0.1:80', 100]]);
    expect(thrownCode(() => h.balancer.setTargetHealth(a, false))).toBe('GANTRY_BALANCER_HEALTHCHECKS_OFF');
    const on = harness(passive({ http_failures: 1 }));
    expect(thrownCode(() => on.balancer.setTargetHealth(uuid(999), false))).toBe('GANTRY_BALANCER_UNKNOWN_TARGET');
    const [b] = on.targets([['10.0.0.2:80', 100]]);
    expect(thrownCode(() => on.balancer.setTargetHealth(b, false, '10.0.0.3:80'))).toBe(
      'GANTRY_BALANCER_UNKNOWN_TARGET',
    );
  });
});

describe('update', () => {
  it('switches algorithm and keeps health; turning checks off clears it', () => {
    const fields = passive({ http_failures: 1, cooldown: 0 });
    const h = harness(fields);
    h.targets(THREE);
    const p = h.pickPeer();
    h.balancer.finished(p, FAIL);
    h.balancer.update(upstreamEntity(UPSTREAM_ID, 'renamed', { ...fields, algorithm: 'least-connections' }));
    expect(h.balancer.name).toBe('renamed');
    expect(h.balancer.health().weight.available).toBe(200);
    h.balancer.update(upstreamEntity(UPSTREAM_ID, 'renamed'));
    expect(h.balancer.health()).toMatchObject({ healthchecks: false, weight: { available: 300 } });
    expect(thrownCode(() => h.balancer.update(upstreamEntity(uuid(2), 'other')))).toBe(
      'GANTRY_BALANCER_WRONG_UPSTREAM',
    );
  });

  it('keeps the old settings when the new entity is invalid', () => {
    const h = harness();
    h.targets(THREE);
    expect(() => h.balancer.update({ ...upstreamEntity(UPSTREAM_ID, 'backend'), hash_on: 'bogus' })).toThrow(
      BalancerError,
    );
    expect(h.pickPeer()).toBeDefined();
  });
});

describe('close', () => {
  it('stops serving and refuses changes', () => {
    const h = harness();
    h.targets(THREE);
    h.balancer.close();
    expect(h.balancer.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
    expect(thrownCode(() => h.balancer.upsertTarget(targetEntity(uuid(5), UPSTREAM_ID, '10.0.0.5:80')))).toBe(
      'GANTRY_BALANCER_CLOSED',
    );
    expect(h.clock.pending).toBe(0);
  });
});
