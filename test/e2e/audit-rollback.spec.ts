/* eslint-disable @typescript-eslint/no-unsafe-argument -- answers are JSON checked by assertions */
/**
 * A rollback on a real cluster (one admin and two proxy replicas, each its own process, on Kafka and Cassandra)
 * applies on every replica like any other change: routes added after the target version stop routing, routes
 * removed since come back, and a rollback of the rollback restores the later state.
 */
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { UpstreamServer } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let upstream: UpstreamServer;

/** The status every replica answers for `path` (they must agree). */
async function statusEverywhere(path: string): Promise<number> {
  const answers = await Promise.all(cluster.proxies.map((proxy) => http(proxy.url, path)));
  const statuses = answers.map((a) => a.status);
  expect(new Set(statuses).size).toBe(1);
  return statuses[0];
}

beforeAll(async () => {
  upstream = await new UpstreamServer('echo').start();
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
});

afterAll(async () => {
  await cluster.stop();
  await upstream?.close();
});

it('a rollback, and its rollback, apply on every proxy replica', async () => {
  const service = await admin.post('/services', { name: 'shop', url: `http://${upstream.target}/` });
  expect(service.status).toBe(201);
  const kept = await admin.post('/services/shop/routes', { name: 'kept', paths: ['/kept'] });
  const old = await admin.post('/services/shop/routes', { name: 'old', paths: ['/old'] });
  expect([kept.status, old.status]).toEqual([201, 201]);
  const then = await cluster.converge();
  expect([await statusEverywhere('/kept'), await statusEverywhere('/old'), await statusEverywhere('/new')]).toEqual([
    200, 200, 404,
  ]);

  // Since then: a new route, the old one deleted, and a name recreated with another id.
  expect((await admin.post('/services/shop/routes', { name: 'new', paths: ['/new'] })).status).toBe(201);
  expect((await admin.delete('/routes/old')).status).toBe(204);
  expect((await admin.delete('/routes/kept')).status).toBe(204);
  expect((await admin.post('/services/shop/routes', { name: 'kept', paths: ['/v2-kept'] })).status).toBe(201);
  const later = await cluster.converge();
  expect([
    await statusEverywhere('/old'),
    await statusEverywhere('/new'),
    await statusEverywhere('/kept'),
    await statusEverywhere('/v2-kept'),
  ]).toEqual([404, 200, 404, 200]);

  const rollback = await admin.post('/config/rollback', { to: then });
  expect(rollback.status).toBe(200);
  expect(rollback.body).toMatchObject({ dry_run: false, version: later + 1, to: { version: then } });
  expect(rollback.body.conflicts).toContainEqual(expect.objectContaining({ kind: 'recreated', name: 'kept' }));
  await cluster.waitForVersion(rollback.body.version);
  expect([
    await statusEverywhere('/old'),
    await statusEverywhere('/new'),
    await statusEverywhere('/kept'),
    await statusEverywhere('/v2-kept'),
  ]).toEqual([200, 404, 200, 404]);
  const restored = await admin.get('/routes/kept');
  expect(restored.body.id).toBe(kept.body.id);

  const undo = await admin.post('/config/rollback', { to: later });
  expect(undo.status).toBe(200);
  await cluster.waitForVersion(undo.body.version);
  expect([
    await statusEverywhere('/old'),
    await statusEverywhere('/new'),
    await statusEverywhere('/kept'),
    await statusEverywhere('/v2-kept'),
  ]).toEqual([404, 200, 404, 200]);
});
