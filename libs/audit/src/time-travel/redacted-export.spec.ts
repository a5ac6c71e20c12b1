import {
  ENTITY_KINDS,
  exportDeclarative,
  type ConfigState,
  type Entity,
  type EntityKind,
  type JsonObject,
} from '@gantry/config';
import { ReplicaFold } from '@gantry/replica';
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { stringify as stringifyYaml } from 'yaml';
import { declarativeState } from '../../../config/src/testing/declarative-state';
import { CA_CERT, EC_CERT, EC_KEY, RSA_CERT, RSA_KEY } from '../../../config/src/testing/pem-fixtures';
import { redactEntity, REDACTED } from '../redact';
import { historyArb } from '../testing/random-history';
import { exportRedacted, exportRedactedJson } from './redacted-export';

/**
 * The redacted export as first written: every kind's Map copied with its entities redacted, then exported, the
 * comment put after `_transform`. The output must not change.
 */
function referenceRedacted(state: ConfigState, note: string): JsonObject {
  const entities = Object.fromEntries(
    ENTITY_KINDS.map((kind) => [
      kind,
      new Map([...state.entities[kind]].map(([id, entity]) => [id, redactEntity(kind, entity)])),
    ]),
  ) as Record<EntityKind, Map<string, Entity>>;
  const { _format_version, _transform, ...collections } = exportDeclarative({ ...state, entities });
  return {
    _format_version,
    _transform,
    _comment:
      `${note}. Secrets (credential keys, passwords, JWT and HMAC secrets, private keys, secret plugin settings) ` +
      'are redacted as "<redacted>": this file cannot be imported as is; restore a past configuration with ' +
      'POST /config/rollback, which writes the real values from the history.',
    ...collections,
  };
}

const RSA_PUBLIC_KEY = createPublicKey(RSA_KEY).export({ type: 'spki', format: 'pem' }).toString();

/** Every entity kind, with every kind of secret. */
const EVERY_KIND = {
  _format_version: '3.0',
  certificates: [
    {
      cert: RSA_CERT,
      key: RSA_KEY,
      cert_alt: EC_CERT,
      key_alt: EC_KEY,
      snis: ['a.example.com', { name: 'b.example.com' }],
    },
  ],
  ca_certificates: [{ cert: CA_CERT }],
  services: [
    {
      name: 'billing',
      url: 'http://billing.internal:8080',
      routes: [{ name: 'billing-route', paths: ['/billing'], plugins: [{ name: 'key-auth' }] }],
      plugins: [
        {
          name: 'http-log',
          config: {
            http_endpoint: 'https://user:pa55@logs.example.com/in',
            headers: { Authorization: 'Bearer t0k' },
            nested: [{ api_key: 'ak', keep: 'k' }],
          },
        },
      ],
    },
    { name: 'shop', host: 'shop.internal', tags: ['secret'] },
  ],
  routes: [{ name: 'other', paths: ['/password'], service: 'billing' }],
  consumers: [
    {
      username: 'alice',
      keyauth_credentials: [{ key: 'alice-key' }],
      basicauth_credentials: [{ username: 'alice', password: 'pw' }],
      jwt_secrets: [{ key: 'iss', secret: 'jwt-secret', algorithm: 'RS256', rsa_public_key: RSA_PUBLIC_KEY }],
      hmacauth_credentials: [{ username: 'alice-hmac', secret: 'hmac-secret' }],
      acls: [{ group: 'admins' }],
      plugins: [{ name: 'rate-limiting', config: { minute: 1, redis: { host: 'r', password: 'rp' } } }],
    },
  ],
  upstreams: [{ name: 'billing.internal', targets: [{ target: '10.0.0.1' }] }],
  plugins: [{ name: 'openid-connect', config: { client_secret: 'cs', secret_is_base64: false } }],
};

function everyKindState(): ConfigState {
  return declarativeState(EVERY_KIND, Date.UTC(2024, 0, 1));
}

describe('exportRedacted and exportRedactedJson', () => {
  it('writes what the reference writes, as JSON and as YAML, for a state with every kind and secret', () => {
    const state = everyKindState();
    for (const kind of ENTITY_KINDS) expect([kind, state.entities[kind].size]).not.toEqual([kind, 0]);
    const before = JSON.stringify(ENTITY_KINDS.map((kind) => [...state.entities[kind].values()]));
    const doc = exportRedacted(state, 'Gantry configuration at version 1');
    const reference = referenceRedacted(state, 'Gantry configuration at version 1');
    expect(JSON.stringify(doc)).toBe(JSON.stringify(reference));
    expect(exportRedactedJson(state, 'Gantry configuration at version 1')).toBe(JSON.stringify(reference));
    expect(stringifyYaml(doc, { lineWidth: 0 })).toBe(stringifyYaml(reference, { lineWidth: 0 }));
    expect(JSON.stringify(ENTITY_KINDS.map((kind) => [...state.entities[kind].values()]))).toBe(before);
  });

  it('redacts every secret and leaves no secret value in the text', () => {
    const text = JSON.stringify(exportRedacted(everyKindState(), 'now'));
    const secrets = ['alice-key', '"pw"', 'jwt-secret', 'hmac-secret', 'pa55', 'Bearer', '"ak"', '"rp"', '"cs"'];
    for (const secret of secrets) expect([secret, text.includes(secret)]).toEqual([secret, false]);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).toContain(REDACTED);
    expect(text).toContain('BEGIN PUBLIC KEY');
  });

  it('matches the reference at every version of random histories', () => {
    fc.assert(
      fc.property(historyArb(), (history) => {
        const fold = new ReplicaFold();
        for (const record of history.records) {
          fold.apply(record);
          const note = `version ${fold.version}`;
          const reference = JSON.stringify(referenceRedacted(fold.state, note));
          expect(JSON.stringify(exportRedacted(fold.state, note))).toBe(reference);
          expect(exportRedactedJson(fold.state, note)).toBe(reference);
        }
      }),
      { numRuns: 50 },
    );
  });
});
