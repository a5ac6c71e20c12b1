import { verifyPassword } from '../entities/password';
import { PluginSchemaRegistry } from '../entities/plugin-registry';
import { httpStatusOf } from '../errors/kong-error';
import { changeset } from '../events/builders';
import { applyEvent } from '../fold/apply';
import { createState, getEntity, type ConfigState } from '../fold/state';
import type { Entity } from '../kinds';
import { FIXED_NOW, testContext } from '../testing/context';
import { CA_CERT, EC_CERT, EC_KEY, RSA_CERT, RSA_KEY } from '../testing/pem-fixtures';
import type { BuildContext } from './context';
import { findByIdOrKey } from './lookup';
import { prepareChange, type PrepareRequest, type PrepareResult } from './prepare';

const NOW_S = Math.floor(FIXED_NOW / 1000);

/** Prepares and, when it succeeds, folds the result, like the Admin API would. */
function write(state: ConfigState, request: PrepareRequest, ctx: Partial<BuildContext>): PrepareResult {
  const r = prepareChange(state, request, ctx);
  if (r.ok && r.changes.length > 0) {
    const e = changeset(r.changes, { actor: 't', source: 'admin', origin_region: 'r' });
    e.version = state.version + 1;
    const out = applyEvent(state, e);
    if (out.status !== 'applied') throw new Error(out.error.message);
  }
  return r;
}

function entityOf(r: PrepareResult): Entity {
  if (!r.ok) throw new Error(r.error.message);
  if (r.after === null) throw new Error('no entity');
  return r.after;
}

describe('prepareChange', () => {
  let state: ConfigState;
  let ctx: Partial<BuildContext>;
  beforeEach(() => {
    state = createState();
    ctx = testContext();
  });

  it('POST creates a fully defaulted entity with id and timestamps', () => {
    const r = write(
      state,
      { op: 'create', kind: 'services', body: { name: 'billing', url: 'http://billing.internal:8080/api' } },
      ctx,
    );
    expect(r).toMatchObject({ ok: true, op: 'create', kind: 'services', before: null });
    expect(entityOf(r)).toMatchObject({
      id: '00000000-0000-4000-8000-000000000001',
      created_at: NOW_S,
      updated_at: NOW_S,
      name: 'billing',
      protocol: 'http',
      host: 'billing.internal',
      port: 8080,
      path: '/api',
      retries: 5,
      enabled: true,
    });
    expect(r.ok && r.changes).toHaveLength(1);
  });

  it('returns Kong errors', () => {
    const missing = prepareChange(state, { op: 'create', kind: 'services', body: {} }, ctx);
    expect(missing).toEqual({
      ok: false,
      error: {
        code: 2,
        name: 'schema violation',
        message: 'schema violation (host: required field missing)',
        fields: { host: 'required field missing' },
      },
    });
    write(state, { op: 'create', kind: 'services', body: { name: 'a', host: 'h' } }, ctx);
    const dup = prepareChange(state, { op: 'create', kind: 'services', body: { name: 'a', host: 'h' } }, ctx);
    expect(dup.ok ? 0 : httpStatusOf(dup.error)).toBe(409);
    expect(dup.ok ? '' : dup.error.message).toBe(`UNIQUE violation detected on '{name="a"}'`);
  });

  it('PUT upserts by name or id; a replacement resets omitted fields and keeps created_at', () => {
    const created = entityOf(
      write(state, { op: 'upsert', kind: 'services', idOrKey: 'svc', body: { host: 'h', retries: 1 } }, ctx),
    );
    expect(created).toMatchObject({ name: 'svc', retries: 1 });
    const later = { ...ctx, now: () => FIXED_NOW + 60_000 };
    const r = write(
      state,
      { op: 'upsert', kind: 'services', idOrKey: created.id, body: { name: 'svc', host: 'h2' } },
      later,
    );
    expect(r).toMatchObject({ ok: true, op: 'update', before: created });
    expect(entityOf(r)).toMatchObject({
      id: created.id,
      retries: 5,
      host: 'h2',
      created_at: NOW_S,
      updated_at: NOW_S + 60,
    });
    const byId = entityOf(
      write(
        state,
        { op: 'upsert', kind: 'consumers', idOrKey: '11111111-1111-4111-8111-111111111111', body: { username: 'u' } },
        ctx,
      ),
    );
    expect(byId.id).toBe('11111111-1111-4111-8111-111111111111');
  });

  it('PATCH merges records and replaces arrays', () => {
    const up = entityOf(
      write(
        state,
        {
          op: 'create',
          kind: 'upstreams',
          body: { name: 'u', tags: ['a', 'b'], healthchecks: { active: { timeout: 5 } } },
        },
        ctx,
      ),
    );
    const r = write(
      state,
      {
        op: 'update',
        kind: 'upstreams',
        idOrKey: 'u',
        body: { tags: ['c'], healthchecks: { active: { healthy: { interval: 10 } } } },
      },
      ctx,
    );
    const after = entityOf(r);
    expect(after.tags).toEqual(['c']);
    expect(after.healthchecks).toMatchObject({ active: { timeout: 5, healthy: { interval: 10, successes: 0 } } });
    expect(after.created_at).toBe(up.created_at);
    const missing = prepareChange(state, { op: 'update', kind: 'upstreams', idOrKey: 'nope', body: {} }, ctx);
    expect(missing.ok ? 0 : httpStatusOf(missing.error)).toBe(404);
    const badId = prepareChange(
      state,
      { op: 'update', kind: 'upstreams', idOrKey: 'u', body: { id: '22222222-2222-4222-8222-222222222222' } },
      ctx,
    );
    expect(badId.ok ? '' : badId.error.message).toBe('schema violation (id: immutable field cannot be updated)');
  });

  it('DELETE is idempotent and refuses referenced services', () => {
    expect(prepareChange(state, { op: 'delete', kind: 'services', idOrKey: 'ghost' }, ctx)).toMatchObject({
      ok: true,
      op: 'noop',
      changes: [],
    });
    const svc = entityOf(write(state, { op: 'create', kind: 'services', body: { name: 's', host: 'h' } }, ctx));
    write(state, { op: 'create', kind: 'routes', body: { paths: ['/'], service: { id: svc.id } } }, ctx);
    const refused = prepareChange(state, { op: 'delete', kind: 'services', idOrKey: 's' }, ctx);
    expect(refused.ok ? '' : refused.error.message).toBe(
      "an existing 'routes' entity references this 'services' entity",
    );
  });

  it('resolves foreign keys given by endpoint key, and nested parents', () => {
    write(state, { op: 'create', kind: 'services', body: { name: 's', host: 'h' } }, ctx);
    const route = entityOf(
      write(state, { op: 'create', kind: 'routes', body: { paths: ['/'], service: { name: 's' } } }, ctx),
    );
    expect(route.service).toEqual({ id: '00000000-0000-4000-8000-000000000001' });
    const unresolved = prepareChange(
      state,
      { op: 'create', kind: 'routes', body: { paths: ['/'], service: { name: 'x' } } },
      ctx,
    );
    expect(unresolved).toMatchObject({
      ok: false,
      error: {
        code: 13,
        message: `foreign key unresolved (service.name: the foreign key cannot be resolved with '{name="x"}' for an existing 'services' entity)`,
      },
    });
    const nested = prepareChange(
      state,
      {
        op: 'create',
        kind: 'routes',
        parent: { kind: 'services', field: 'service', idOrKey: 's' },
        body: { paths: ['/n'] },
      },
      ctx,
    );
    expect(entityOf(nested).service).toEqual(route.service);
    const orphan = prepareChange(
      state,
      { op: 'create', kind: 'routes', parent: { kind: 'services', field: 'service', idOrKey: 'nope' }, body: {} },
      ctx,
    );
    expect(orphan.ok ? 0 : httpStatusOf(orphan.error)).toBe(404);
  });

  it('creates credentials under a consumer: generated keys, hashed passwords', () => {
    const alice = entityOf(write(state, { op: 'create', kind: 'consumers', body: { username: 'alice' } }, ctx));
    const parent = { kind: 'consumers' as const, field: 'consumer', idOrKey: 'alice' };
    const key = entityOf(write(state, { op: 'create', kind: 'keyauth_credentials', parent, body: {} }, ctx));
    expect(key).toMatchObject({ key: 'key-1', consumer: { id: alice.id }, ttl: null });
    const real = { ...ctx, hashPassword: undefined };
    const basic = entityOf(
      write(
        state,
        { op: 'create', kind: 'basicauth_credentials', parent, body: { username: 'a', password: 'pw' } },
        real,
      ),
    );
    expect(typeof basic.password).toBe('string');
    expect(verifyPassword('pw', basic.password as string)).toBe(true);
    const patched = entityOf(
      write(state, { op: 'update', kind: 'basicauth_credentials', parent, idOrKey: 'a', body: { tags: ['t'] } }, real),
    );
    expect(patched.password).toBe(basic.password);
    const changed = entityOf(
      write(
        state,
        { op: 'update', kind: 'basicauth_credentials', parent, idOrKey: 'a', body: { password: 'new' } },
        real,
      ),
    );
    expect(verifyPassword('new', changed.password as string)).toBe(true);
    const jwt = entityOf(write(state, { op: 'create', kind: 'jwt_secrets', parent, body: {} }, ctx));
    expect(jwt).toMatchObject({ key: 'key-2', secret: 'key-3', algorithm: 'HS256' });
    const bob = entityOf(write(state, { op: 'create', kind: 'consumers', body: { username: 'bob' } }, ctx));
    const wrongParent = prepareChange(
      state,
      { op: 'update', kind: 'keyauth_credentials', parent: { ...parent, idOrKey: bob.id }, idOrKey: key.id, body: {} },
      ctx,
    );
    expect(wrongParent.ok ? 0 : httpStatusOf(wrongParent.error)).toBe(404);
  });

  it('normalises targets and scopes them to their upstream', () => {
    write(state, { op: 'create', kind: 'upstreams', body: { name: 'u' } }, ctx);
    const parent = { kind: 'upstreams' as const, field: 'upstream', idOrKey: 'u' };
    const t = entityOf(write(state, { op: 'create', kind: 'targets', parent, body: { target: '10.0.0.1' } }, ctx));
    expect(t).toMatchObject({ target: '10.0.0.1:8000', weight: 100, created_at: FIXED_NOW / 1000 });
    expect(
      findByIdOrKey(state, 'targets', '10.0.0.1', { field: 'upstream', id: (t.upstream as { id: string }).id }),
    ).toBe(getEntity(state, 'targets', t.id));
    const dup = prepareChange(state, { op: 'create', kind: 'targets', parent, body: { target: '10.0.0.1:8000' } }, ctx);
    expect(dup.ok ? 0 : httpStatusOf(dup.error)).toBe(409);
  });

  it('handles the snis shorthand of certificates', () => {
    const r = write(
      state,
      { op: 'create', kind: 'certificates', body: { cert: RSA_CERT, key: RSA_KEY, snis: ['a.com', 'b.com'] } },
      ctx,
    );
    expect(r.ok && r.changes.map((c) => [c.op, c.kind])).toEqual([
      ['create', 'certificates'],
      ['create', 'snis'],
      ['create', 'snis'],
    ]);
    const cert = entityOf(r);
    expect(findByIdOrKey(state, 'certificates', 'a.com')?.id).toBe(cert.id);
    const patched = write(
      state,
      { op: 'update', kind: 'certificates', idOrKey: cert.id, body: { snis: ['b.com', 'c.com'] } },
      ctx,
    );
    expect(patched.ok && patched.changes.map((c) => [c.op, c.kind])).toEqual([
      ['update', 'certificates'],
      ['delete', 'snis'],
      ['create', 'snis'],
    ]);
    const other = prepareChange(
      state,
      { op: 'create', kind: 'certificates', body: { cert: EC_CERT, key: EC_KEY, snis: ['c.com'] } },
      ctx,
    );
    expect(other.ok ? '' : other.error.message).toBe(
      `schema violation (snis: c.com already associated with existing certificate '${cert.id}')`,
    );
  });

  it('computes CA digests and keeps them unique', () => {
    const ca = entityOf(write(state, { op: 'create', kind: 'ca_certificates', body: { cert: CA_CERT } }, ctx));
    expect(ca.cert_digest).toBe('8fff6680553f47cd4a77b29b196fdee03d66b852fd73dab37946fa62a99066e0');
    const dup = prepareChange(state, { op: 'create', kind: 'ca_certificates', body: { cert: CA_CERT } }, ctx);
    expect(dup.ok ? '' : dup.error.message).toBe(
      `UNIQUE violation detected on '{cert_digest="${ca.cert_digest as string}"}'`,
    );
    const expired = prepareChange(
      state,
      { op: 'create', kind: 'ca_certificates', body: { cert: CA_CERT } },
      { ...ctx, now: () => Date.UTC(2200, 0, 1) },
    );
    expect(expired.ok ? '' : expired.error.message).toBe(
      'schema violation (certificate expired, "Not After" time is in the past)',
    );
  });

  it('rejects unknown plugins only with a strict registry', () => {
    expect(prepareChange(state, { op: 'create', kind: 'plugins', body: { name: 'mystery' } }, ctx).ok).toBe(true);
    const strict = prepareChange(
      state,
      { op: 'create', kind: 'plugins', body: { name: 'mystery' } },
      { ...ctx, plugins: new PluginSchemaRegistry(true) },
    );
    expect(strict.ok ? '' : strict.error.message).toBe(
      "schema violation (name: plugin 'mystery' not enabled; add it to the 'plugins' configuration property)",
    );
  });
});

describe('findByIdOrKey', () => {
  it('tries the id, then the endpoint key', () => {
    const state = createState();
    const ctx = testContext();
    write(state, { op: 'create', kind: 'services', body: { name: 'billing', host: 'h' } }, ctx);
    const id = '00000000-0000-4000-8000-000000000001';
    expect(findByIdOrKey(state, 'services', id)?.name).toBe('billing');
    expect(findByIdOrKey(state, 'services', 'billing')?.id).toBe(id);
    expect(findByIdOrKey(state, 'services', 'nope')).toBeUndefined();
    write(state, { op: 'create', kind: 'consumers', body: { username: id } }, ctx);
    expect(findByIdOrKey(state, 'consumers', id)?.username).toBe(id);
  });
});

describe('PUT by an endpoint key that looks like a uuid', () => {
  it('updates the entity it names', () => {
    const state = createState();
    const ctx = testContext();
    const name = '99999999-9999-4999-8999-999999999999';
    const c = entityOf(write(state, { op: 'create', kind: 'consumers', body: { username: name } }, ctx));
    const r = write(state, { op: 'upsert', kind: 'consumers', idOrKey: name, body: { custom_id: 'x' } }, ctx);
    expect(entityOf(r)).toMatchObject({ id: c.id, username: name, custom_id: 'x' });
  });
});
