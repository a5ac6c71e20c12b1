import type { ConfigEvent } from '@gantry/config';
import type { WriteResult } from '@gantry/replica';
import { ApiHarness } from '../../testing/api-harness';

describe('writes: outcome and error mapping', () => {
  it('records actor, request id, region and source on the event', async () => {
    const h = new ApiHarness();
    const created = await h.call('POST', '/consumers', { username: 'a' });
    expect(created.status).toBe(201);
    const event = h.backend.outcomeOf(1)!.event;
    expect(event).toMatchObject({
      type: 'create',
      kind: 'consumers',
      actor: 'anonymous',
      source: 'admin',
      origin_region: 'test',
      request_id: created.headers['X-Kong-Admin-Request-ID'],
    });
  });

  it('answers 503 when the log is unavailable, and applies nothing', async () => {
    const h = new ApiHarness();
    h.backend.failWrites(true);
    const answer = await h.call('POST', '/consumers', { username: 'a' });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ message: expect.stringContaining('unavailable') });
    expect(answer.headers['Retry-After']).toBe('1');
    h.backend.failWrites(false);
    expect((await h.call('GET', '/consumers/a')).status).toBe(404);
  });

  it('answers 413 naming the limit when the change does not fit in one log record, and applies nothing', async () => {
    const h = new ApiHarness();
    h.backend.limitRecordBytes(2_000);
    const services = Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, url: `http://s${i}.test` }));
    const answer = await h.call('POST', '/config', { _format_version: '3.0', services });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ message: expect.stringContaining('too large for one config log record') });
    expect((await h.call('GET', '/services')).body).toMatchObject({ data: [] });
  });

  it('answers 503 when a writer never answers', async () => {
    const hang = { write: () => new Promise<WriteResult>(() => undefined) };
    const h = new ApiHarness({ writer: hang, settings: { region: 'r', writeTimeoutMs: 10, maxBodyBytes: 1024 } });
    const started = Date.now();
    expect((await h.call('POST', '/consumers', { username: 'a' })).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("gives the loser of a unique race the fold's 409", async () => {
    const h = new ApiHarness();
    h.backend.delayWrites(20);
    const [a, b] = await Promise.all([
      h.call('POST', '/services', { name: 'same', host: 'a' }),
      h.call('POST', '/services', { name: 'same', host: 'b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ code: 5, message: `UNIQUE violation detected on '{name="same"}'` });
  });

  it('replays a duplicate append with the first outcome', async () => {
    const h = new ApiHarness();
    h.backend.delayWrites(20);
    const headers = { 'Idempotency-Key': 'k1' };
    const [a, b] = await Promise.all([
      h.call('POST', '/consumers', { username: 'x' }, headers),
      h.call('POST', '/consumers', { username: 'x' }, headers),
    ]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(h.backend.state.entities.consumers.size).toBe(1);
    expect([a.headers['Idempotent-Replayed'], b.headers['Idempotent-Replayed']]).toContain('true');
  });

  it('scopes keys by actor and stores the request fingerprint in the event', async () => {
    const h = new ApiHarness();
    await h.call('POST', '/consumers', { username: 'y' }, { 'Idempotency-Key': 'k2' });
    const event: ConfigEvent = h.backend.outcomeOf(1)!.event;
    expect(event.idempotency_key).toBe('anonymous:k2');
    expect(event.request_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const reuse = await h.call('POST', '/consumers', { username: 'z' }, { 'Idempotency-Key': 'k2' });
    expect(reuse.status).toBe(422);
  });

  it('turns unexpected errors into a logged 500 with the request id', async () => {
    const errors: unknown[] = [];
    const broken = { write: () => Promise.reject(new Error('boom')) };
    const h = new ApiHarness({ writer: broken, onError: (e) => errors.push(e) });
    const answer = await h.call('POST', '/consumers', { username: 'a' });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      message: 'An unexpected error occurred',
      request_id: answer.headers['X-Kong-Admin-Request-ID'],
    });
    expect(errors).toHaveLength(1);
  });
});
