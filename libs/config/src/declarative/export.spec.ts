import fc from 'fast-check';
import { schemaOf } from '../entities/registry';
import { refId } from '../fold/rules';
import { createState, listEntities, type ConfigState } from '../fold/state';
import type { JsonObject, JsonValue } from '../json';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';
import { FIXED_NOW } from '../testing/context';
import { benchRoute, benchService } from '../testing/bench-entities';
import { declarativeState } from '../testing/declarative-state';
import { uid } from '../testing/entities';
import { CA_CERT, RSA_CERT, RSA_KEY } from '../testing/pem-fixtures';
import { exportDeclarative, exportDeclarativeJson, type DeclarativeExportOptions } from './export';
import { DECLARATIVE_FORMAT_VERSION } from './layout';

/** The export as first written (Object.entries and a field Map per entity): the output must not change. */
function referenceExport(state: ConfigState): JsonObject {
  const out: JsonObject = { _format_version: DECLARATIVE_FORMAT_VERSION, _transform: false };
  for (const kind of ENTITY_KINDS) {
    const defs = new Map(schemaOf(kind).fields);
    const list: JsonValue[] = listEntities(state, kind).map((entity) => {
      const item: JsonObject = {};
      for (const [field, value] of Object.entries(entity)) {
        const def = defs.get(field);
        if (value === null && (def === undefined || def.default === undefined || def.default === null)) continue;
        item[field] = def?.type === 'foreign' && value !== null ? (refId(value) ?? value) : value;
      }
      return item;
    });
    if (list.length > 0) out[kind] = list;
  }
  return out;
}

/** Every entity kind, with credentials, certificates, scoped and global plugins. */
const EVERY_KIND = {
  _format_version: '3.0',
  certificates: [{ cert: RSA_CERT, key: RSA_KEY, snis: ['a.example.com', { name: 'b.example.com' }] }],
  ca_certificates: [{ cert: CA_CERT }],
  services: [
    {
      name: 'billing',
      url: 'http://billing.internal:8080',
      routes: [{ name: 'billing-route', paths: ['/billing'], plugins: [{ name: 'key-auth' }] }],
      plugins: [{ name: 'http-log', config: { http_endpoint: 'https://u:p@logs.example.com/' } }],
    },
    { name: 'shop', host: 'shop.internal', retries: 3, tags: ['a', 'b'] },
  ],
  routes: [{ name: 'other', paths: ['/other'], service: 'billing', methods: ['GET'] }],
  consumers: [
    {
      username: 'alice',
      keyauth_credentials: [{ key: 'alice-key' }],
      basicauth_credentials: [{ username: 'alice', password: 'pw' }],
      jwt_secrets: [{ key: 'iss', secret: 'jwt-secret' }],
      hmacauth_credentials: [{ username: 'alice-hmac', secret: 'hmac-secret' }],
      acls: [{ group: 'admins' }],
      plugins: [{ name: 'rate-limiting', config: { minute: 1, redis: { password: 'r' } } }],
    },
    { custom_id: 'bob-1' },
  ],
  upstreams: [{ name: 'billing.internal', targets: [{ target: '10.0.0.1' }, { target: '10.0.0.2:9000', weight: 5 }] }],
  plugins: [{ name: 'prometheus' }],
};

function everyKindState(): ConfigState {
  return declarativeState(EVERY_KIND, FIXED_NOW);
}

/** A state holding `entities` as given (no fold), as the export only reads `state.entities`. */
function stateOf(entities: readonly (readonly [EntityKind, Entity])[]): ConfigState {
  const state = createState();
  for (const [kind, entity] of entities) state.entities[kind].set(entity.id, entity);
  return state;
}

const json: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.constant(null), fc.string({ maxLength: 3 })), {
    maxKeys: 2,
  }),
);

/** An entity of `kind` with random schema fields (foreign keys as `{id}`, objects, or null) and unknown ones. */
function entityArb(kind: EntityKind): fc.Arbitrary<Entity> {
  const fields = schemaOf(kind).fields.filter(([name]) => name !== 'id');
  const value = (type: string): fc.Arbitrary<JsonValue> =>
    type === 'foreign'
      ? fc.oneof(
          fc.constant(null),
          fc.integer({ min: 1, max: 9 }).map((n) => ({ id: uid(n) })),
          fc.constant({ name: 'no id' }),
        )
      : json;
  const known = fc.tuple(
    ...fields.map(([name, def]) => fc.option(value(def.type), { nil: undefined }).map((v) => [name, v] as const)),
  );
  const unknown = fc.dictionary(fc.constantFrom('x', 'extra', '0', '12'), json, { maxKeys: 3 });
  return fc.tuple(fc.integer({ min: 1, max: 40 }), known, unknown, fc.boolean()).map(([n, pairs, extra, reversed]) => {
    const present = pairs.filter(([, v]) => v !== undefined) as [string, JsonValue][];
    const ordered = reversed ? present.reverse() : present;
    return { ...Object.fromEntries(ordered), ...extra, id: uid(n) };
  });
}

const entitiesArb = fc.array(
  fc.constantFrom(...ENTITY_KINDS).chain((kind) => entityArb(kind).map((e) => [kind, e] as const)),
  { maxLength: 30 },
);

describe('exportDeclarative', () => {
  it('writes what the reference export writes, key order included, for a state with every kind', () => {
    const state = everyKindState();
    for (const kind of ENTITY_KINDS) expect([kind, state.entities[kind].size]).not.toEqual([kind, 0]);
    expect(JSON.stringify(exportDeclarative(state))).toBe(JSON.stringify(referenceExport(state)));
    expect(exportDeclarative(state)).toEqual(referenceExport(state));
  });

  it('matches the reference for any fields: unknown ones, nulls, foreign keys without ids, any key order', () => {
    fc.assert(
      fc.property(entitiesArb, (entities) => {
        const state = stateOf(entities);
        expect(JSON.stringify(exportDeclarative(state))).toBe(JSON.stringify(referenceExport(state)));
      }),
      { numRuns: 300 },
    );
  });

  it('puts the comment after _transform and exports each entity as mapEntity returns it', () => {
    const state = everyKindState();
    const before = JSON.stringify([...state.entities.consumers.values()]);
    const doc = exportDeclarative(state, {
      comment: 'a note',
      mapEntity: (kind, entity) => (kind === 'consumers' ? { ...entity, custom_id: 'mapped' } : entity),
    });
    expect(Object.keys(doc).slice(0, 4)).toEqual(['_format_version', '_transform', '_comment', 'certificates']);
    expect(doc._comment).toBe('a note');
    expect((doc.consumers as JsonObject[]).map((c) => c.custom_id)).toEqual(['mapped', 'mapped']);
    expect({ ...doc, _comment: undefined, consumers: undefined }).toEqual({
      ...referenceExport(state),
      _comment: undefined,
      consumers: undefined,
    });
    expect(JSON.stringify([...state.entities.consumers.values()])).toBe(before);
  });

  it('writes no collection for an empty kind', () => {
    expect(exportDeclarative(createState())).toEqual({ _format_version: '3.0', _transform: false });
  });
});

describe('exportDeclarativeJson', () => {
  const options: DeclarativeExportOptions = {
    comment: 'a "quoted" note',
    mapEntity: (kind, entity) => (kind === 'routes' ? { ...entity, name: 'hidden' } : entity),
  };
  const same = (state: ConfigState, o?: DeclarativeExportOptions) =>
    expect(exportDeclarativeJson(state, o)).toBe(JSON.stringify(exportDeclarative(state, o)));

  it('is the text of exportDeclarative, for every kind, with and without options', () => {
    same(everyKindState());
    same(everyKindState(), options);
    same(createState());
    same(createState(), { comment: 'empty' });
  });

  it('is the text of exportDeclarative when collections span several slices', () => {
    const entities: [EntityKind, Entity][] = [];
    for (let i = 0; i < 2_500; i++)
      entities.push(['services', benchService(uid(i + 1), i, { path: i % 2 ? '/p' : null })]);
    for (let i = 0; i < 1_024; i++) entities.push(['routes', benchRoute(uid(10_000 + i), i, uid(1))]);
    entities.push(['consumers', { id: uid(20_000), username: 'one' }]);
    const state = stateOf(entities);
    same(state);
    same(state, options);
  });

  it('is the text of exportDeclarative for any fields', () => {
    fc.assert(
      fc.property(entitiesArb, (entities) => same(stateOf(entities), options)),
      { numRuns: 100 },
    );
  });
});
