import { asText, type JsonObject, type JsonValue } from '../json';
import type { EntitySchema, ScalarField } from '../schema/types';
import { parseCertificate, parsePrivateKey } from './pem';
import * as t from './typedefs';

const certificate: ScalarField = {
  type: 'string',
  custom_validator: (v: JsonValue) => {
    const c = parseCertificate(asText(v));
    return 'error' in c ? c.error : undefined;
  },
};

const key: ScalarField = {
  type: 'string',
  custom_validator: (v: JsonValue) => {
    const k = parsePrivateKey(asText(v));
    return 'error' in k ? k.error : undefined;
  },
};

function matches(certPem: JsonValue, keyPem: JsonValue): boolean {
  const c = parseCertificate(asText(certPem));
  const k = parsePrivateKey(asText(keyPem));
  return !('error' in c) && !('error' in k) && c.checkPrivateKey(k);
}

function keyType(certPem: JsonValue): string | undefined {
  const c = parseCertificate(asText(certPem));
  return 'error' in c ? undefined : c.publicKey.asymmetricKeyType;
}

function certKeyCheck(e: JsonObject): string | undefined {
  if (typeof e.cert !== 'string' || typeof e.key !== 'string') return undefined;
  return matches(e.cert, e.key) ? undefined : 'certificate does not match key';
}

function altCheck(e: JsonObject): string | undefined {
  if (typeof e.cert_alt !== 'string' || typeof e.key_alt !== 'string') return undefined;
  if (!matches(e.cert_alt, e.key_alt)) return 'alternative certificate does not match key';
  if (typeof e.cert === 'string' && keyType(e.cert) === keyType(e.cert_alt)) {
    return (
      'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), ' +
      'the provided certificates were both of the same type'
    );
  }
  return undefined;
}

/** Kong 3.x `certificates`; the `snis` list on create/update is handled by the writer (see `prepareChange`). */
export const certificateSchema: EntitySchema = {
  name: 'certificates',
  primary_key: ['id'],
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['cert', { ...certificate, required: true }],
    ['key', { ...key, required: true }],
    ['cert_alt', certificate],
    ['key_alt', key],
    ['tags', t.tags],
  ],
  entity_checks: [
    { mutually_required: ['cert_alt', 'key_alt'] },
    { custom_entity_check: { field_sources: ['cert', 'key'], fn: certKeyCheck } },
    { custom_entity_check: { field_sources: ['cert', 'cert_alt', 'key_alt'], fn: altCheck } },
  ],
};

/** Kong 3.x `snis`: a (possibly wildcard) server name bound to a certificate. */
export const sniSchema: EntitySchema = {
  name: 'snis',
  primary_key: ['id'],
  endpoint_key: 'name',
  fields: [
    ['id', t.uuid],
    ['name', { ...t.wildcardHost, required: true, unique: true }],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['tags', t.tags],
    ['certificate', t.foreign('certificates', { required: true, on_delete: 'cascade' })],
  ],
};
