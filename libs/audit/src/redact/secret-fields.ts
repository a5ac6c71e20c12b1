import type { EntityKind } from '@gantry/config';
import type { PathSegment } from '../diff/field-path';

/**
 * Top-level secret fields per entity kind. Kong marks these `encrypted` (keyring) or they are what a client
 * proves it holds: key-auth `key`, basic-auth `password` (stored hashed, but a hash can be brute-forced), jwt
 * and hmac-auth `secret`, certificate private keys. Not secrets: jwt `key` (the `iss` claim every token
 * shows) and `rsa_public_key` (a public key); `ca_certificates` hold no private key.
 */
const SECRET_FIELDS: Partial<Record<EntityKind, ReadonlySet<string>>> = {
  keyauth_credentials: new Set(['key']),
  basicauth_credentials: new Set(['password']),
  jwt_secrets: new Set(['secret']),
  hmacauth_credentials: new Set(['secret']),
  certificates: new Set(['key', 'key_alt']),
};

/**
 * Plugin config keys whose string values are secrets, whatever the plugin: Kong's `encrypted`/`referenceable`
 * fields are named like this (redis `password`, `redis_password`, `client_secret`, `api_key`, `token`), and a
 * plugin without a registered schema gets the same protection. Whole words only: `secret_is_base64` and
 * `token_header` are not secrets.
 */
const SECRET_CONFIG_KEY =
  /^(?:.*[_-])?(?:password|passwd|secret|client[_-]?secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key)$/i;

/** The top-level secret fields of a kind other than `plugins`; undefined when it has none. */
export function secretFieldsOf(kind: EntityKind): ReadonlySet<string> | undefined {
  return SECRET_FIELDS[kind];
}

/** Marker that replaces a secret value in audit responses. */
export const REDACTED = '<redacted>';

/** True when the value at `path` inside an entity of `kind` is a secret. */
export function isSecretPath(kind: EntityKind, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  if (kind !== 'plugins') return path.length === 1 && SECRET_FIELDS[kind]?.has(String(path[0])) === true;
  if (path[0] !== 'config' || path.length < 2) return false;
  // http-log and opentelemetry `headers` maps: header values are `referenceable` in Kong (they carry tokens).
  if (path.length === 3 && path[1] === 'headers' && typeof path[2] === 'string') return true;
  const last = path[path.length - 1];
  return typeof last === 'string' && SECRET_CONFIG_KEY.test(last);
}

// `scheme://user:password@host…`: Kong marks http-log's `http_endpoint` encrypted because of this part.
const URL_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@?#]*@/;

/** A URL with its userinfo (`user:password@`) replaced; other strings unchanged. */
export function redactUrlUserinfo(value: string): string {
  return value.replace(URL_USERINFO, `$1${REDACTED}@`);
}
