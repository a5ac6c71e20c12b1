import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { asText } from '@gantry/config';
import type { CredentialMatch } from '../runtime/consumer-directory';
import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { AuthFlow, firstHeader, unauthorized, type AuthRefusal } from '../shared/auth-flow';
import { decodeBase64Nginx } from '../shared/base64';
import { parseHmacAuthorization, type HmacParams } from './hmac-authorization';
import { parseHttpDate } from './http-date';
import { HMAC_ALGORITHMS, hmacAuthSchema, type HmacAuthConfig } from './schema';
import { signingString } from './signing-string';

const AUTHORIZATION = 'authorization';
const PROXY_AUTHORIZATION = 'proxy-authorization';
const SIGNATURE_NOT_VALID = 'HMAC signature cannot be verified';
const SIGNATURE_NOT_SAME = 'HMAC signature does not match';
const DATE_REQUIRED =
  'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication';

class HmacAuthHandler implements PluginHandler {
  private readonly flow: AuthFlow;
  private readonly algorithms: ReadonlySet<string>;
  private readonly enforced: readonly string[];
  private readonly skewSeconds: number;
  private readonly refusals: {
    readonly missing: AuthRefusal;
    readonly date: AuthRefusal;
    readonly notValid: AuthRefusal;
    readonly notSame: AuthRefusal;
  };

  constructor(
    private readonly config: HmacAuthConfig,
    private readonly env: PluginEnvironment,
    private readonly clock: () => number,
  ) {
    this.algorithms = new Set(config.algorithms ?? HMAC_ALGORITHMS);
    this.enforced = config.enforce_headers ?? [];
    this.skewSeconds = config.clock_skew ?? 300;
    const challenge = config.realm === null ? 'hmac' : `hmac realm="${config.realm}"`;
    this.refusals = {
      missing: unauthorized('Unauthorized', challenge),
      date: unauthorized(DATE_REQUIRED, challenge),
      notValid: unauthorized(SIGNATURE_NOT_VALID, challenge),
      notSame: unauthorized(SIGNATURE_NOT_SAME, challenge),
    };
    this.flow = new AuthFlow({ anonymous: config.anonymous, consumers: env.consumers, logger: env.logger });
  }

  access(kong: PluginRequest): void | Promise<void> {
    return this.flow.run(kong, this.authenticate);
  }

  private readonly authenticate = (kong: PluginRequest): AuthRefusal | null | Promise<AuthRefusal | null> => {
    const r = this.refusals;
    const authorization = firstHeader(kong, AUTHORIZATION);
    const proxyAuthorization = firstHeader(kong, PROXY_AUTHORIZATION);
    if (authorization === undefined && proxyAuthorization === undefined) return r.missing;
    if (!this.withinSkew(kong, 'x-date') && !this.withinSkew(kong, 'date')) return r.date;

    // Proxy-Authorization wins when it parses; whichever header is used is the one hidden.
    let params = proxyAuthorization === undefined ? null : parseHmacAuthorization(proxyAuthorization);
    if (params === null) {
      params = authorization === undefined ? null : parseHmacAuthorization(authorization);
      if (this.config.hide_credentials) kong.clearHeader(AUTHORIZATION);
    } else if (this.config.hide_credentials) {
      kong.clearHeader(PROXY_AUTHORIZATION);
    }
    if (params === null || !this.acceptable(params)) return r.notValid;

    const match = this.env.consumers.byHmacUsername(params.username);
    if (match === undefined) return r.notValid;
    if (!signatureMatches(kong, params, asText(match.credential.secret))) return r.notSame;
    if (!this.config.validate_request_body) return this.accept(kong, match);
    return bodyMatchesDigest(kong).then((ok) => (ok ? this.accept(kong, match) : r.notSame));
  };

  private withinSkew(kong: PluginRequest, header: string): boolean {
    const value = firstHeader(kong, header);
    const sent = value === undefined ? null : parseHttpDate(value);
    return sent !== null && Math.abs(Math.floor(this.clock() / 1000) - sent) <= this.skewSeconds;
  }

  /** Every enforced header signed, and an allowed algorithm. */
  private acceptable(params: HmacParams): boolean {
    for (const header of this.enforced) if (!params.headers.includes(header)) return false;
    return this.algorithms.has(params.algorithm);
  }

  private accept(kong: PluginRequest, match: CredentialMatch): null {
    kong.authenticate(match.consumer, match.credential);
    // Kong identifies hmac-auth credentials by username rather than id.
    kong.setHeader('x-credential-identifier', asText(match.credential.username));
    return null;
  }
}

function signatureMatches(kong: PluginRequest, params: HmacParams, secret: string): boolean {
  const given = decodeBase64Nginx(params.signature);
  if (given === null) return false;
  const digest = params.algorithm.slice('hmac-'.length);
  const expected = createHmac(digest, secret).update(signingString(kong, params.headers)).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `Digest: SHA-256=<base64>` must match the body; with no `Digest` the body must be empty. */
async function bodyMatchesDigest(kong: PluginRequest): Promise<boolean> {
  let body: Buffer;
  try {
    body = await kong.readBody();
  } catch {
    return false;
  }
  const digest = firstHeader(kong, 'digest');
  if (digest === undefined) return body.length === 0;
  return digest === `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

/** Makes an hmac-auth handler reading time from `clock` (ms since the epoch), so tests can fix it. */
export function createHmacAuthHandler(
  config: HmacAuthConfig,
  env: PluginEnvironment,
  clock: () => number = Date.now,
): PluginHandler {
  return new HmacAuthHandler(config, env, clock);
}

/** Authenticates requests signed with a consumer's HMAC secret (HTTP Signatures). */
export const hmacAuth: PluginDefinition<HmacAuthConfig> = {
  name: 'hmac-auth',
  priority: 1030,
  version: '3.9.0',
  schema: hmacAuthSchema,
  create: (config, env) => createHmacAuthHandler(config, env),
};
