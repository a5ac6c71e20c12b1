import { asText, type JsonObject } from '../json';
import type { EntitySchema } from '../schema/types';
import { countCertificates, parseCertificate } from './pem';
import * as t from './typedefs';

function caCheck(e: JsonObject): string | undefined {
  if (typeof e.cert !== 'string') return undefined;
  if (countCertificates(e.cert) > 1) return 'please submit only one certificate at a time';
  const cert = parseCertificate(e.cert);
  if ('error' in cert) return cert.error;
  if (!cert.ca) return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint';
  return undefined;
}

/**
 * Kong 3.x `ca_certificates`. `cert_digest` (sha256 of the certificate) is computed by the writer and is unique.
 * The expiry check needs a clock, so the writer runs it too.
 */
export const caCertificateSchema: EntitySchema = {
  name: 'ca_certificates',
  primary_key: ['id'],
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    [
      'cert',
      {
        type: 'string',
        required: true,
        custom_validator: (v) => {
          const c = parseCertificate(asText(v));
          return 'error' in c ? c.error : undefined;
        },
      },
    ],
    ['cert_digest', { type: 'string', unique: true }],
    ['tags', t.tags],
  ],
  entity_checks: [{ custom_entity_check: { field_sources: ['cert'], fn: caCheck } }],
};
