import {
  applyEvent,
  changeset,
  createChange,
  createState,
  deleteChange,
  diffStates,
  updateChange,
  type Change,
  type ConfigState,
  type Entity,
} from '@gantry/config';
import { consumer, keyauth, plugin, route, service, uid } from '../../../config/src/testing/entities';
import { cloneState } from './clone-state';
import { planRollback } from './plan-rollback';

const META = { actor: 't', source: 'admin' as const, origin_region: 'r', timestamp: 0 };

/** Folds each argument as one event (a change, or several as a changeset); every one must apply. */
function fold(state: ConfigState, ...events: (Change | Change[])[]): ConfigState {
  for (const e of events) {
    const event = changeset(Array.isArray(e) ? e : [e], META);
    event.version = state.version + 1;
    const outcome = applyEvent(state, event);
    if (outcome.status !== 'applied') throw new Error(`setup event refused: ${outcome.error.message}`);
  }
  return state;
}

/** Plans the rollback of `current` to `target` and folds it as one changeset, which must apply and give `target`. */
function rollBack(current: ConfigState, target: ConfigState, to = 1) {
  const plan = planRollback(current, target, to);
  const after = cloneState(current);
  if (plan.changes.length > 0) fold(after, plan.changes);
  expect(diffStates(after, target)).toEqual([]);
  return plan;
}

const svc = (n: number, name: string | null): Entity => service(uid(n), name);

describe('planRollback', () => {
  it('restores a route deleted and recreated under the same name with another id, and says so', () => {
    const then = fold(
      createState(),
      createChange('services', svc(1, 's')),
      createChange('routes', route(uid(2), uid(1), 'r')),
    );
    const now = fold(
      cloneState(then),
      deleteChange('routes', uid(2)),
      createChange('routes', route(uid(3), uid(1), 'r')),
    );
    const plan = rollBack(now, then);
    expect(plan.changes.map((c) => `${c.op} ${c.key}`)).toEqual([`delete ${uid(3)}`, `create ${uid(2)}`]);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({ kind: 'recreated', entity: 'routes', name: 'r', id: uid(2) }),
    ]);
    expect(plan.conflicts[0].resolution).toContain(`deletes ${uid(3)} and restores ${uid(2)}`);
    expect(plan.diff).toMatchObject({
      added: [{ kind: 'routes', id: uid(2), name: 'r' }],
      removed: [{ kind: 'routes', id: uid(3), name: 'r' }],
      changed: [],
    });
  });

  it('breaks a cycle: the name is held by a service that still has the route the old service needs back', () => {
    // Then: service A "foo" with route R. Since: R moved to a new service B, A deleted, B renamed "foo".
    const then = fold(
      createState(),
      createChange('services', svc(1, 'foo')),
      createChange('routes', route(uid(9), uid(1), 'r')),
    );
    const now = fold(
      cloneState(then),
      createChange('services', svc(2, 'bar')),
      updateChange('routes', null, route(uid(9), uid(2), 'r')),
      deleteChange('services', uid(1)),
      updateChange('services', null, svc(2, 'foo')),
    );
    const plan = rollBack(now, then);
    // B's name is cleared first (it still has R), A comes back, R moves back, B goes.
    expect(plan.changes.map((c) => `${c.op} ${c.kind} ${c.key}`)).toEqual([
      `update services ${uid(2)}`,
      `create services ${uid(1)}`,
      `update routes ${uid(9)}`,
      `delete services ${uid(2)}`,
    ]);
    expect(plan.conflicts.map((c) => c.kind).sort()).toEqual(['recreated', 'swapped']);
  });

  it('swaps two names in one changeset', () => {
    const then = fold(createState(), createChange('services', svc(1, 'x')), createChange('services', svc(2, 'y')));
    const now = fold(
      cloneState(then),
      updateChange('services', null, svc(1, 'tmp')),
      updateChange('services', null, svc(2, 'x')),
      updateChange('services', null, svc(1, 'y')),
    );
    const plan = rollBack(now, then);
    expect(plan.conflicts.filter((c) => c.kind === 'swapped').length).toBeGreaterThan(0);
    expect(plan.diff.changed.map((c) => c.fields)).toEqual([
      [{ path: 'name', before: 'y', after: 'x' }],
      [{ path: 'name', before: 'x', after: 'y' }],
    ]);
  });

  it('moves a plugin back to its old route before deleting the new one, so nothing cascades', () => {
    const then = fold(
      createState(),
      createChange('services', svc(1, 's')),
      createChange('routes', route(uid(2), uid(1), 'old')),
      createChange('plugins', plugin(uid(5), 'cors', { route: uid(2) })),
    );
    const now = fold(
      cloneState(then),
      createChange('routes', route(uid(3), uid(1), 'new')),
      updateChange('plugins', null, plugin(uid(5), 'cors', { route: uid(3) })),
      deleteChange('routes', uid(2)),
    );
    const plan = rollBack(now, then);
    expect(plan.changes.map((c) => `${c.op} ${c.kind}`)).toEqual(['create routes', 'update plugins', 'delete routes']);
    expect(plan.conflicts).toEqual([]);
  });

  it('explains a consumer recreated with the same username: its new credentials go, the old ones return', () => {
    const then = fold(
      createState(),
      createChange('consumers', consumer(uid(1), 'alice')),
      createChange('keyauth_credentials', keyauth(uid(2), uid(1), 'old-secret-key')),
    );
    const now = fold(
      cloneState(then),
      deleteChange('consumers', uid(1)),
      createChange('consumers', consumer(uid(3), 'alice')),
      createChange('keyauth_credentials', keyauth(uid(4), uid(3), 'new-secret-key')),
    );
    const plan = rollBack(now, then);
    // The restored credential carries its real key; only the response redacts it.
    expect(plan.changes).toContainEqual(
      expect.objectContaining({ op: 'create', after: expect.objectContaining({ key: 'old-secret-key' }) }),
    );
    const kinds = plan.conflicts.map((c) => `${c.kind}:${c.name}`).sort();
    expect(kinds).toEqual(['credentials:alice', 'credentials:alice', 'recreated:alice']);
    const text = JSON.stringify({ diff: plan.diff, conflicts: plan.conflicts });
    expect(text).not.toContain('secret-key');
    expect(text).toContain('<redacted>');
  });

  it('redacts a unique secret in a conflict name (a key-auth key taken by another credential)', () => {
    const then = fold(
      createState(),
      createChange('consumers', consumer(uid(1), 'alice')),
      createChange('keyauth_credentials', keyauth(uid(2), uid(1), 'k-123')),
    );
    const now = fold(
      cloneState(then),
      deleteChange('keyauth_credentials', uid(2)),
      createChange('keyauth_credentials', keyauth(uid(3), uid(1), 'k-123')),
    );
    const plan = rollBack(now, then);
    expect(plan.conflicts).toContainEqual(expect.objectContaining({ kind: 'recreated', name: 'key <redacted>' }));
    expect(JSON.stringify(plan.conflicts)).not.toContain('k-123');
  });

  it('plans nothing when the states are equal', () => {
    const state = fold(createState(), createChange('services', svc(1, 's')));
    expect(planRollback(state, cloneState(state), 1)).toEqual({
      changes: [],
      steps: [],
      conflicts: [],
      diff: { added: [], removed: [], changed: [] },
    });
  });
});
