/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- replies are JSON checked by assertions */
import { MemoryRecordSource, TimeTravel } from '@gantry/audit';
import { encodeEvent } from '@gantry/config';
import { parse as parseYaml } from 'yaml';
import { MemorySnapshots } from '../../../../../libs/audit/src/testing/memory-snapshots';
import { ApiHarness } from '../../testing/api-harness';

const T0 = Date.parse('2024-05-01T12:00:00Z');

/** An admin over the in-memory backend whose every folded event also lands in a record source time travel reads. */
function setup(options: { timeTravel?: boolean } = {}) {
  let clock = T0;
  const records = new MemoryRecordSource();
  const snapshots = new MemorySnapshots();
  const travel = new TimeTravel({ snapshots, records, now: () => clock });
  const h = new ApiHarness({ now: () => clock, ...(options.timeTravel === false ? {} : { timeTravel: travel }) });
  h.backend.onApplied((outcome) => {
    const { event } = outcome;
    records.push({ version: outcome.version, key: event.id, value: Buffer.from(encodeEvent(event)), timestamp: clock });
  });
  const call = async (method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await h.call(method, url, body, headers);
    return { status: reply.status, body: reply.body as any, headers: reply.headers };
  };
  return {
    h,
    call,
    snapshots,
    tick: (ms = 1_000) => (clock += ms),
    version: () => h.backend.version(),
  };
}

/** Three services, a route, a consumer with a key: then, at version 6, a rename and a recreated route. */
async function history(t: ReturnType<typeof setup>) {
  const svc = (await t.call('POST', '/services', { name: 'billing', url: 'http://billing:80' })).body;
  t.tick();
  await t.call('POST', '/services', { name: 'orders', url: 'http://orders:80' });
  t.tick();
  const route = (await t.call('POST', `/services/${svc.id}/routes`, { name: 'r1', paths: ['/billing'] })).body;
  t.tick();
  const alice = (await t.call('POST', '/consumers', { username: 'alice' })).body;
  t.tick();
  const key = (await t.call('POST', `/consumers/${alice.id}/key-auth`, { key: 'alice-secret-key' })).body;
  t.tick();
  await t.call('POST', '/plugins', { name: 'cors', service: { id: svc.id } });
  const then = t.version(); // 6
  const thenTime = new Date(T0 + 5_500).toISOString();
  t.tick();
  await t.call('PATCH', `/services/${svc.id}`, { name: 'billing-v2' });
  t.tick();
  await t.call('DELETE', `/routes/${route.id}`);
  t.tick();
  const recreated = (await t.call('POST', `/services/${svc.id}/routes`, { name: 'r1', paths: ['/v2'] })).body;
  t.tick();
  await t.call('POST', `/consumers/${alice.id}/key-auth`, { key: 'second-secret-key' });
  t.tick();
  await t.call('DELETE', `/consumers/${alice.id}/key-auth/${key.id}`);
  t.tick();
  return { svc, route, recreated, alice, then, thenTime };
}

describe('GET /config?at=', () => {
  it('exports the configuration at a version or a time, redacted, and names the version', async () => {
    const t = setup();
    const { then, thenTime, route } = await history(t);
    const byVersion = await t.call('GET', `/config?at=${then}&format=json`);
    expect(byVersion.status).toBe(200);
    expect(byVersion.headers['X-Gantry-Config-Version']).toBe(String(then));
    expect(byVersion.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(byVersion.body._comment).toContain(`version ${then}`);
    expect(byVersion.body._comment).toContain('cannot be imported as is');
    expect(byVersion.body.services.map((s: any) => s.name)).toEqual(expect.arrayContaining(['billing', 'orders']));
    expect(byVersion.body.routes).toEqual([expect.objectContaining({ id: route.id, name: 'r1', paths: ['/billing'] })]);
    expect(byVersion.body.keyauth_credentials).toEqual([expect.objectContaining({ key: '<redacted>' })]);
    expect(JSON.stringify(byVersion.body)).not.toMatch(/secret-key/);

    const byTime = await t.call('GET', `/config?at=${encodeURIComponent(thenTime)}&format=json`);
    expect(byTime.headers['X-Gantry-Config-Version']).toBe(String(then));
    expect({ ...byTime.body, _comment: null }).toEqual({ ...byVersion.body, _comment: null });

    // Kong's default wrapping: {"config": "<yaml>"}.
    const wrapped = await t.call('GET', `/config?at=${then}`);
    expect(parseYaml(wrapped.body.config)).toEqual(byVersion.body);
  });

  it('answers 400 naming `at` for a bad value, a version beyond the newest, or a future time', async () => {
    const t = setup();
    await history(t);
    for (const at of ['yesterday', '-1', '2024-02-30T00:00:00Z', '99', '2999-01-01T00:00:00Z', '']) {
      const { status, body } = await t.call('GET', `/config?at=${encodeURIComponent(at)}`);
      expect({ at, status, field: Object.keys(body.fields ?? {}) }).toEqual({ at, status: 400, field: ['at'] });
    }
  });

  it('exports the empty configuration at version 0 and before the first event', async () => {
    const t = setup();
    await history(t);
    for (const at of ['0', '2020-01-01T00:00:00Z']) {
      const { body, headers } = await t.call('GET', `/config?at=${at}&format=json`);
      expect(headers['X-Gantry-Config-Version']).toBe('0');
      expect(Object.keys(body).filter((k) => !k.startsWith('_'))).toEqual([]);
    }
  });

  it('answers 501 when the process keeps no history', async () => {
    const t = setup({ timeTravel: false });
    await history(t);
    expect((await t.call('GET', '/config?at=1')).status).toBe(501);
  });
});

describe('GET /config/diff', () => {
  it('lists the entities added, removed and changed, with a field-level diff and secrets redacted', async () => {
    const t = setup();
    const { then, svc, route, recreated } = await history(t);
    const { status, body } = await t.call('GET', `/config/diff?from=${then}&to=${t.version()}`);
    expect(status).toBe(200);
    expect(body.from).toEqual({ version: then });
    expect(body.to).toEqual({ version: t.version() });
    expect(body.added.map((e: any) => [e.kind, e.id, e.name])).toEqual([
      ['routes', recreated.id, 'r1'],
      ['keyauth_credentials', expect.any(String), null],
    ]);
    expect(body.added[1].entity.key).toBe('<redacted>');
    expect(body.removed.map((e: any) => [e.kind, e.id])).toEqual([
      ['routes', route.id],
      ['keyauth_credentials', expect.any(String)],
    ]);
    expect(body.removed[1].entity.key).toBe('<redacted>');
    expect(body.changed).toEqual([
      {
        kind: 'services',
        id: svc.id,
        name: 'billing-v2',
        fields: expect.arrayContaining([{ path: 'name', before: 'billing', after: 'billing-v2' }]),
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/secret-key/);
  });

  it('takes times, defaults `to` to now, and names a bad parameter', async () => {
    const t = setup();
    const { thenTime, then } = await history(t);
    const { body } = await t.call('GET', `/config/diff?from=${encodeURIComponent(thenTime)}`);
    expect(body.from).toEqual({ version: then, at: thenTime });
    expect(body.to).toEqual({ version: t.version() });
    const bad = await t.call('GET', '/config/diff?from=1&to=soon');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields)).toEqual(['to']);
    expect(Object.keys((await t.call('GET', '/config/diff')).body.fields)).toEqual(['from']);
  });
});

describe('POST /config/rollback', () => {
  it('a dry run answers the diff, the planned changes and the conflicts, and changes nothing', async () => {
    const t = setup();
    const { then, route, recreated } = await history(t);
    const before = t.version();
    const { status, body } = await t.call('POST', '/config/rollback', { to: then, dry_run: true });
    expect(status).toBe(200);
    expect(t.version()).toBe(before);
    expect(body).toMatchObject({ dry_run: true, from: { version: before }, to: { version: then }, noop: false });
    expect(body.version).toBeUndefined();
    expect(body.diff.added.map((e: any) => [e.kind, e.id])).toEqual([
      ['routes', route.id],
      ['keyauth_credentials', expect.any(String)],
    ]);
    expect(body.changes).toContainEqual({ op: 'delete', kind: 'routes', id: recreated.id, name: 'r1' });
    expect(body.conflicts).toContainEqual(
      expect.objectContaining({ kind: 'recreated', entity: 'routes', name: 'r1', id: route.id }),
    );
    expect(body.conflicts).toContainEqual(expect.objectContaining({ kind: 'credentials', name: 'alice' }));
    expect(JSON.stringify(body)).not.toMatch(/secret-key/);
  });

  it('appends one rollback changeset by the caller; the state equals the target; rolling back again returns', async () => {
    const t = setup();
    const { then } = await history(t);
    const start = t.version();
    const exported = async (v: number) => (await t.call('GET', `/config?at=${v}&format=json`)).body;
    const target = await exported(then);

    const { status, body } = await t.call('POST', '/config/rollback', { to: then });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dry_run: false, version: start + 1, from: { version: start }, to: { version: then } });
    const event = t.h.backend.outcomeOf(start + 1)!.event;
    expect(event).toMatchObject({ type: 'changeset', source: 'rollback', actor: 'anonymous' });
    expect(event.reason).toBe(`rollback to version ${then}`);
    // The real secrets come back from the history; only responses redact them.
    expect(JSON.stringify(event.changes)).toContain('alice-secret-key');
    expect({ ...(await exported(start + 1)), _comment: null }).toEqual({ ...target, _comment: null });
    const current = (await t.call('GET', '/config?format=json')).body;
    expect(current.keyauth_credentials.map((c: any) => c.key)).toEqual(['alice-secret-key']);

    // The rollback is audited and can itself be rolled back.
    const startExport = await exported(start);
    const undo = await t.call('POST', '/config/rollback', { to: start });
    expect(undo.status).toBe(200);
    expect({ ...(await exported(start + 2)), _comment: null }).toEqual({ ...startExport, _comment: null });
  });

  it('a rollback to the current version is a no-op 200 that appends nothing', async () => {
    const t = setup();
    await history(t);
    const now = t.version();
    const { status, body } = await t.call('POST', '/config/rollback', { to: String(now), dry_run: false });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      noop: true,
      changes: [],
      conflicts: [],
      diff: { added: [], removed: [], changed: [] },
    });
    expect(t.version()).toBe(now);
  });

  it('accepts a time as `to`, and answers 400 naming `to` or `dry_run`', async () => {
    const t = setup();
    const { thenTime, then } = await history(t);
    const dry = await t.call('POST', '/config/rollback', { to: thenTime, dry_run: true });
    expect(dry.body.to).toEqual({ version: then, at: thenTime });
    for (const [body, field] of [
      [{}, 'to'],
      [{ to: 'later' }, 'to'],
      [{ to: 1.5 }, 'to'],
      [{ to: 1_000 }, 'to'],
      [{ to: 1, dry_run: 'maybe' }, 'dry_run'],
    ] as const) {
      const reply = await t.call('POST', '/config/rollback', body);
      expect({ field, status: reply.status, fields: Object.keys(reply.body.fields ?? {}) }).toEqual({
        field,
        status: 400,
        fields: [field],
      });
    }
  });

  it('a retry with the same Idempotency-Key answers from the first rollback without appending again', async () => {
    const t = setup();
    const { then } = await history(t);
    const first = await t.call('POST', '/config/rollback', { to: then }, { 'Idempotency-Key': 'undo-1' });
    const version = t.version();
    const retry = await t.call('POST', '/config/rollback', { to: then }, { 'Idempotency-Key': 'undo-1' });
    expect(retry.status).toBe(200);
    expect(retry.headers['Idempotent-Replayed']).toBe('true');
    expect(retry.body.version).toBe(first.body.version);
    expect(t.version()).toBe(version);
  });
});
