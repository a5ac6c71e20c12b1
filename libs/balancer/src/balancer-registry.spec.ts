import type { AppliedChange, Entity } from '@gantry/config';
import { BalancerRegistry } from './balancer-registry';
import { targetEntity, upstreamEntity, uuid } from './testing/entities';
import { context, tableResolver } from './testing/harness';
import { ManualClock } from './testing/manual-clock';
import type { BalancerLogger, HealthChangeEvent } from './types';

const U1 = uuid(1);
const U2 = uuid(2);

function change(kind: 'upstreams' | 'targets', before: Entity | null, after: Entity | null): AppliedChange {
  const key = (after ?? before)!.id;
  return { op: before === null ? 'create' : after === null ? 'delete' : 'update', kind, key, before, after };
}

function registry() {
  const clock = new ManualClock();
  const warnings: string[] = [];
  const logger: BalancerLogger = {
    warn: (_o, msg) => warnings.push(msg),
    info: () => undefined,
    debug: () => undefined,
  };
  const r = new BalancerRegistry({ resolver: tableResolver(clock, {}), clock, logger });
  return { r, clock, warnings };
}

describe('BalancerRegistry', () => {
  it('loads upstreams and their targets, and finds them by name and id', () => {
    const { r } = registry();
    r.load(
      [upstreamEntity(U1, 'orders'), upstreamEntity(U2, 'users')],
      [targetEntity(uuid(10), U1, '10.0.0.1:80'), targetEntity(uuid(11), U2, '10.0.0.2:80')],
    );
    expect(r.byName('orders')?.id).toBe(U1);
    expect(r.byId(U2)?.name).toBe('users');
    const pick = r.byName('users')!.pick(context());
    expect(pick.ok && pick.peer.address).toBe('10.0.0.2');
    expect([...r.health().keys()].sort()).toEqual([U1, U2]);
  });

  it('applies changes incrementally, touching only the changed upstream', () => {
    const { r } = registry();
    r.load([upstreamEntity(U1, 'orders'), upstreamEntity(U2, 'users')], []);
    const users = r.byId(U2);
    const t = targetEntity(uuid(10), U1, '10.0.0.1:80');
    r.apply([change('targets', null, t)]);
    expect(r.byId(U2)).toBe(users);
    const first = r.byId(U1)!.pick(context());
    expect(first.ok).toBe(true);
    r.apply([change('targets', t, { ...t, weight: 50 })]);
    const again = r.byId(U1)!.pick(context());
    expect(again.ok && first.ok && again.peer).toBe(first.ok && first.peer);
    expect(r.health().get(U1)?.weight.total).toBe(50);
    r.apply([change('targets', t, null)]);
    expect(r.byId(U1)!.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
  });

  it('renames and deletes upstreams', () => {
    const { r } = registry();
    const u = upstreamEntity(U1, 'orders');
    r.apply([change('upstreams', null, u)]);
    const balancer = r.byName('orders');
    r.apply([change('upstreams', u, { ...u, name: 'orders-v2' })]);
    expect(r.byName('orders')).toBeUndefined();
    expect(r.byName('orders-v2')).toBe(balancer);
    r.apply([change('upstreams', { ...u, name: 'orders-v2' }, null)]);
    expect(r.byId(U1)).toBeUndefined();
    expect(r.byName('orders-v2')).toBeUndefined();
    expect(balancer!.pick(context())).toEqual({ ok: false, reason: 'no-targets' });
  });

  it('keeps targets that arrive before their upstream', () => {
    const { r } = registry();
    r.apply([change('targets', null, targetEntity(uuid(10), U1, '10.0.0.1:80'))]);
    r.apply([change('upstreams', null, upstreamEntity(U1, 'orders'))]);
    expect(r.byName('orders')!.pick(context()).ok).toBe(true);
  });

  it('skips invalid entities without stopping the changeset', () => {
    const { r, warnings } = registry();
    r.apply([
      change('upstreams', null, { ...upstreamEntity(U1, 'bad'), algorithm: 'nope' }),
      change('upstreams', null, upstreamEntity(U2, 'good')),
      change('targets', null, { ...targetEntity(uuid(10), U2, '10.0.0.1:80'), weight: -1 }),
      change('targets', null, targetEntity(uuid(11), U2, '10.0.0.2:80')),
    ]);
    expect(r.byName('bad')).toBeUndefined();
    expect(r.health().get(U2)?.weight.total).toBe(100);
    expect(warnings).toEqual(['skipped an invalid upstream', 'skipped an invalid target']);
    r.apply([change('upstreams', null, upstreamEntity(U1, 'fixed'))]);
    expect(r.byName('fixed')).toBeDefined();
  });

  it('forwards health events of every balancer, and closes them all', () => {
    const { r, clock } = registry();
    const events: HealthChangeEvent[] = [];
    r.onHealthChange((e) => events.push(e));
    r.load([upstreamEntity(U1, 'orders')], [targetEntity(uuid(10), U1, '10.0.0.1:80')]);
    r.apply([
      change(
        'upstreams',
        null,
        upstreamEntity(U2, 'users', { healthchecks: { active: { healthy: { interval: 5 } } } }),
      ),
    ]);
    r.apply([change('targets', null, targetEntity(uuid(11), U2, '10.0.0.2:80'))]);
    expect(events.map((e) => e.upstreamName)).toEqual(['orders', 'users']);
    expect(clock.pending).toBeGreaterThan(0);
    r.close();
    expect(clock.pending).toBe(0);
    expect(r.byId(U1)).toBeUndefined();
  });
});
