import { verifyPassword } from '../entities/password';
import { replaceEvent } from '../events/builders';
import { applyEvent } from '../fold/apply';
import { verifyState } from '../fold/integrity';
import { stateHash } from '../fold/snapshot';
import { createState, findByUnique, type ConfigState } from '../fold/state';
import { FIXED_NOW } from '../testing/context';
import { CA_CERT, RSA_CERT, RSA_KEY } from '../testing/pem-fixtures';
import { exportDeclarative } from './export';
import { deterministicUuid } from './ids';
import { parseDeclarative, type DeclarativeOptions } from './parse';

const opts: DeclarativeOptions = { now: () => FIXED_NOW };

const CONFIG = {
  _format_version: '3.0',
  _comment: 'test file',
  _ignore: [{ anything: true }],
  services: [
    {
      name: 'billing',
      url: 'http://billing.internal:8080',
      routes: [
        { name: 'billing-route', paths: ['/billing'], plugins: [{ name: 'key-auth', config: { key_names: ['k'] } }] },
      ],
      plugins: [{ name: 'rate-limiting', config: { minute: 5 } }],
    },
  ],
  routes: [{ name: 'other', paths: ['/other'], service: 'billing' }],
  consumers: [
    {
      username: 'alice',
      keyauth_credentials: [{ key: 'alice-key' }],
      basicauth_credentials: [{ username: 'alice', password: 'pw' }],
      acls: [{ group: 'admins' }],
      plugins: [{ name: 'rate-limiting', config: { minute: 1 } }],
    },
  ],
  upstreams: [{ name: 'billing.internal', targets: [{ target: '10.0.0.1' }, { target: '10.0.0.2:9000', weight: 50 }] }],
  certificates: [{ cert: RSA_CERT, key: RSA_KEY, snis: ['a.example.com', { name: 'b.example.com' }] }],
  ca_certificates: [{ cert: CA_CERT }],
  plugins: [{ name: 'prometheus' }],
};

function parsed(config: unknown, o: DeclarativeOptions = opts) {
  const r = parseDeclarative(config, o);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

function load(config: unknown, state: ConfigState = createState()): ConfigState {
  const r = parsed(config, { ...opts, state });
  const e = replaceEvent(r.changes, { actor: 't', source: 'declarative', origin_region: 'r' });
  e.version = state.version + 1;
  const out = applyEvent(state, e);
  if (out.status !== 'applied') throw new Error(out.error.message);
  return state;
}

describe('parseDeclarative', () => {
  it('flattens nested children, resolves references and derives stable ids', () => {
    const r = parsed(CONFIG);
    const count = (kind: string) => r.entities.filter((e) => e.kind === kind).length;
    expect([
      count('services'),
      count('routes'),
      count('plugins'),
      count('consumers'),
      count('targets'),
      count('snis'),
    ]).toEqual([1, 2, 4, 1, 2, 2]);
    expect(r.changes.map((c) => c.kind)).toEqual([...r.changes.map((c) => c.kind)].sort((a, b) => order(a) - order(b)));
    const service = r.entities.find((e) => e.kind === 'services')?.entity;
    expect(service).toMatchObject({ id: deterministicUuid('services:billing'), host: 'billing.internal', port: 8080 });
    const routes = r.entities.filter((e) => e.kind === 'routes').map((e) => e.entity.service);
    expect(routes).toEqual([{ id: service?.id }, { id: service?.id }]);
    const targets = r.entities.filter((e) => e.kind === 'targets').map((e) => e.entity.target);
    expect(targets).toEqual(['10.0.0.1:8000', '10.0.0.2:9000']);
    expect(parsed(CONFIG).changes.map((c) => c.key)).toEqual(r.changes.map((c) => c.key));
    const basic = r.entities.find((e) => e.kind === 'basicauth_credentials')?.entity;
    expect(verifyPassword('pw', basic?.password as string)).toBe(true);
  });

  it('loads into the fold and a re-import of the same file changes nothing', () => {
    const state = load(CONFIG);
    expect(verifyState(state)).toEqual([]);
    expect(findByUnique(state, 'snis', 'name', 'b.example.com')).toBeDefined();
    const hash = stateHash(state);
    const again = parsed(CONFIG, { ...opts, state, now: () => FIXED_NOW + 1000 });
    const e = replaceEvent(again.changes, { actor: 't', source: 'declarative', origin_region: 'r' });
    e.version = state.version + 1;
    expect(applyEvent(state, e)).toEqual({ status: 'applied', version: 2, applied: [] });
    expect(stateHash(state)).toBe(hash);
  });

  it('round-trips through exportDeclarative', () => {
    const state = load(CONFIG);
    const exported = exportDeclarative(state);
    expect(exported._format_version).toBe('3.0');
    expect((exported.routes as { service: unknown }[])[0].service).toEqual(expect.any(String));
    const copy = load(JSON.parse(JSON.stringify(exported)));
    expect(stateHash(copy)).toBe(stateHash(state));
  });

  it('keeps passwords as given with _transform: false', () => {
    const r = parsed({
      _format_version: '3.0',
      _transform: false,
      consumers: [{ username: 'a', basicauth_credentials: [{ username: 'a', password: 'stored' }] }],
    });
    expect(r.entities.find((e) => e.kind === 'basicauth_credentials')?.entity.password).toBe('stored');
  });

  it('rejects bad top-level keys and versions', () => {
    const r = parseDeclarative({ _format_version: '2.1', apis: [] }, opts);
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 14,
      name: 'invalid declarative configuration',
      fields: { _format_version: 'expected one of: 3.0', apis: 'unknown field' },
    });
    expect(parseDeclarative({}, opts)).toMatchObject({
      ok: false,
      error: { fields: { _format_version: 'required field missing' } },
    });
    expect(parseDeclarative([], opts).ok).toBe(false);
  });

  it('names where each error is, nested children included', () => {
    const r = parseDeclarative(
      {
        _format_version: '3.0',
        services: [
          { name: 'ok', host: 'h' },
          { name: 'bad', routes: [{ paths: ['x'] }] },
        ],
        routes: [{ paths: ['/'], service: 'missing' }],
      },
      opts,
    );
    expect(r.ok ? undefined : r.error.fields).toEqual({
      services: [
        null,
        {
          host: 'required field missing',
          routes: [{ paths: ['should start with: / (fixed path) or ~/ (regex path)'] }],
        },
      ],
      routes: [{ service: "invalid reference 'service: missing' (no such entry in 'services')" }],
    });
    expect(r.ok ? '' : r.error.message).toMatch(
      /^declarative config is invalid: \{routes=\{\{service="invalid reference/,
    );
  });

  it('reports duplicates as uniqueness violations at their position', () => {
    const r = parseDeclarative(
      {
        _format_version: '3.0',
        consumers: [
          { username: 'a', custom_id: 'x' },
          { username: 'b', custom_id: 'x' },
        ],
      },
      opts,
    );
    expect(r.ok ? undefined : r.error.fields).toEqual({
      consumers: [
        null,
        { custom_id: "uniqueness violation: 'consumers' entity with custom_id set to 'x' already declared" },
      ],
    });
  });
});

const ORDER = [
  'certificates',
  'ca_certificates',
  'snis',
  'services',
  'routes',
  'consumers',
  'upstreams',
  'targets',
  'plugins',
];
function order(kind: string): number {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
}
