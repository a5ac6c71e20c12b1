import {
  changeset,
  createChange,
  createEvent,
  deleteChange,
  updateChange,
  type ConfigEvent,
  type EventMeta,
} from '@gantry/config';
import { route, service, uid, upstream } from '../../../config/src/testing/entities';
import { AuditLog } from './audit-query';
import type { AuditFilter } from './audit-filter';
import { listEvents } from './list-events';
import { auditHistory } from './testing/audit-history';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 10);
const meta = (actor: string, timestamp: number, extra: Partial<EventMeta> = {}): EventMeta => ({
  actor,
  source: 'admin',
  origin_region: 'eu',
  timestamp,
  ...extra,
});

const s1 = service(uid(1), 'orders-svc');
const r1 = route(uid(2), uid(1), 'orders');
const r1v2 = { ...r1, name: 'orders-v2', paths: ['/v2'] };
const r2 = route(uid(3), uid(1), 'orders');
const u1 = upstream(uid(4), 'backend');

const events: ConfigEvent[] = [
  createEvent(createChange('services', s1), meta('alice', T0)), // 1
  createEvent(createChange('routes', r1), meta('alice', T0 + 3_600_000)), // 2
  createEvent(updateChange('routes', r1, r1v2), meta('bob', T0 + DAY)), // 3
  createEvent(createChange('upstreams', u1), meta('consul', T0 + DAY + 1, { source: 'discovery', reason: 'sync' })), // 4
  createEvent(createChange('routes', r2), meta('bob', T0 + 2 * DAY)), // 5
  createEvent(deleteChange('services', s1.id, s1), meta('bob', T0 + 2 * DAY + 1)), // 6: rejected, routes use it
  changeset(
    [deleteChange('routes', r1.id, r1v2), deleteChange('routes', r2.id, r2), deleteChange('services', s1.id, s1)],
    meta('alice', T0 + 3 * DAY, { idempotency_key: 'k1' }),
  ), // 7
  changeset([deleteChange('routes', r1.id, r1v2)], meta('alice', T0 + 3 * DAY + 1, { idempotency_key: 'k1' })), // 8
];

const backend = auditHistory(events);
const versions = async (filter: AuditFilter, size = 100) =>
  (await listEvents(backend, { filter, size })).summaries.map((s) => s.version);

describe('listEvents', () => {
  it('lists every event newest first, with the fold verdict', async () => {
    const { summaries } = await listEvents(backend, { filter: {}, size: 100 });
    expect(summaries.map((s) => s.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(summaries.map((s) => s.status)).toEqual([
      'duplicate',
      'applied',
      'rejected',
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    expect(summaries[0].duplicateOf).toBe(7);
  });

  it('finds an entity by id and by every name it had', async () => {
    expect(await versions({ entity: r1.id })).toEqual([8, 7, 3, 2]);
    expect(await versions({ entity: 'orders' })).toEqual([8, 7, 5, 3, 2]);
    expect(await versions({ entity: 'orders-v2' })).toEqual([8, 7, 3, 2]);
    expect(await versions({ entity: 'orders', kind: 'services' })).toEqual([]);
    expect(await versions({ entity: 'nobody' })).toEqual([]);
  });

  it('filters by actor, source, kind, and their combinations', async () => {
    expect(await versions({ actor: 'bob' })).toEqual([6, 5, 3]);
    expect(await versions({ actor: 'bob', kind: 'routes' })).toEqual([5, 3]);
    expect(await versions({ source: 'discovery' })).toEqual([4]);
    expect(await versions({ source: 'discovery', actor: 'bob' })).toEqual([]);
    expect(await versions({ kind: 'services' })).toEqual([7, 6, 1]);
    expect(await versions({ entity: 'orders', actor: 'alice' })).toEqual([8, 7, 2]);
  });

  it('filters by time and version range, inclusive', async () => {
    expect(await versions({ since: T0 + DAY, until: T0 + DAY + 1 })).toEqual([4, 3]);
    expect(await versions({ since: T0 + 3 * DAY })).toEqual([8, 7]);
    expect(await versions({ until: T0 + 3_600_000 })).toEqual([2, 1]);
    expect(await versions({ fromVersion: 2, toVersion: 4 })).toEqual([4, 3, 2]);
    expect(await versions({ actor: 'bob', since: T0 + 2 * DAY })).toEqual([6, 5]);
    expect(await versions({ since: T0 + 10 * DAY })).toEqual([]);
  });

  it('pages with a cursor, and a short page under a small budget still leads to every match', async () => {
    const first = await listEvents(backend, { filter: {}, size: 3 });
    expect(first.summaries.map((s) => s.version)).toEqual([8, 7, 6]);
    const second = await listEvents(backend, { filter: {}, size: 3, upTo: first.next });
    expect(second.summaries.map((s) => s.version)).toEqual([5, 4, 3]);
    const third = await listEvents(backend, { filter: {}, size: 3, upTo: second.next });
    expect(third.summaries.map((s) => s.version)).toEqual([2, 1]);
    expect(third.next).toBeUndefined();

    const seen: number[] = [];
    let upTo: number | undefined;
    let requests = 0;
    do {
      const page = await listEvents(backend, {
        filter: { actor: 'alice', kind: 'routes' },
        size: 10,
        upTo,
        scanBudget: 2,
      });
      seen.push(...page.summaries.map((s) => s.version));
      upTo = page.next;
      requests++;
    } while (upTo !== undefined && requests < 50);
    expect(seen).toEqual([8, 7, 2]);
    expect(requests).toBeGreaterThan(1);
  });
});

describe('AuditLog.get', () => {
  const log = new AuditLog(backend);

  it('shows each change before and after with a field-level diff', async () => {
    const event = await log.get(3);
    expect(event).toMatchObject({ version: 3, actor: 'bob', source: 'admin', status: 'applied', type: 'update' });
    expect(event?.timestamp).toBe(new Date(T0 + DAY).toISOString());
    expect(event?.changes).toHaveLength(1);
    expect(event?.changes[0]).toMatchObject({ kind: 'routes', key: r1.id, op: 'update', cascade: false });
    expect(event?.changes[0].before).toMatchObject({ name: 'orders' });
    expect(event?.changes[0].diff).toEqual(
      expect.arrayContaining([
        { path: 'name', before: 'orders', after: 'orders-v2' },
        { path: 'paths[0]', before: '/', after: '/v2' },
      ]),
    );
  });

  it('shows a rejected event with its error and the changes it asked for', async () => {
    const event = await log.get(6);
    expect(event?.status).toBe('rejected');
    expect(event?.error).toMatchObject({ code: expect.any(Number) as number, message: expect.any(String) as string });
    expect(event?.changes).toMatchObject([{ kind: 'services', op: 'delete' }]);
  });

  it('answers undefined for versions not in the log', async () => {
    expect(await log.get(9)).toBeUndefined();
    expect(await log.get(0)).toBeUndefined();
  });
});
