import type { OutgoingHttpHeaders } from 'node:http';
import { asText } from '@gantry/config';
import { compactVerify } from 'jose';
import type { CredentialMatch } from '../runtime/consumer-directory';
import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { AuthFlow, type AuthRefusal } from '../shared/auth-flow';
import { decodeToken, type DecodedToken } from './decoded-token';
import { claimErrors, maximumExpirationError, type ClaimErrors } from './registered-claims';
import { jwtSchema, type JwtConfig, type VerifiableClaim } from './schema';
import { BARE_ARGUMENT, TokenSources } from './token-sources';
import { VerificationKeys, type VerificationKey } from './verification-keys';

/** A jwt refusal carries its JSON body: Kong answers with `{message}` or with the claim errors, no request id. */
interface JwtRefusal extends AuthRefusal {
  readonly body: Buffer;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function refusal(challenge: string, body: object, message = ''): JwtRefusal {
  const headers: OutgoingHttpHeaders = { 'www-authenticate': challenge, 'content-type': JSON_TYPE };
  return { status: 401, message, headers, body: Buffer.from(JSON.stringify(body)) };
}

function messageRefusal(challenge: string, message: string): JwtRefusal {
  return refusal(challenge, { message }, message);
}

class JwtHandler implements PluginHandler {
  private readonly flow: AuthFlow<JwtRefusal>;
  private readonly sources: TokenSources;
  private readonly keys: VerificationKeys;
  private readonly keyClaim: string;
  private readonly claimsToVerify: readonly VerifiableClaim[];
  private readonly maximumExpiration: number;
  private readonly challenge: string;
  private readonly refusals: {
    readonly noToken: JwtRefusal;
    readonly multiple: JwtRefusal;
    readonly unrecognizable: JwtRefusal;
    readonly badToken: ReadonlyMap<string, JwtRefusal>;
    readonly noKeyClaim: JwtRefusal;
    readonly emptyKeyClaim: JwtRefusal;
    readonly noCredential: JwtRefusal;
    readonly algorithm: JwtRefusal;
    readonly key: JwtRefusal;
    readonly signature: JwtRefusal;
  };

  constructor(
    config: JwtConfig,
    private readonly env: PluginEnvironment,
    private readonly clock: () => number,
  ) {
    this.sources = new TokenSources(config);
    this.keys = new VerificationKeys(config.secret_is_base64);
    this.keyClaim = config.key_claim_name ?? 'iss';
    this.claimsToVerify = config.claims_to_verify ?? [];
    this.maximumExpiration = config.maximum_expiration ?? 0;
    const base = config.realm === null ? 'Bearer' : `Bearer realm="${config.realm}"`;
    const withError = `${base} error="invalid_token"`;
    this.challenge = withError;
    const claim = this.keyClaim;
    this.refusals = {
      noToken: messageRefusal(base, 'Unauthorized'),
      multiple: messageRefusal(withError, 'Multiple tokens provided'),
      unrecognizable: messageRefusal(withError, 'Unrecognizable token'),
      badToken: new Map(
        ['invalid JSON', 'invalid alg', 'invalid claims', 'invalid signature'].map((reason) => [
          reason,
          messageRefusal(withError, `Bad token; ${reason}`),
        ]),
      ),
      noKeyClaim: messageRefusal(withError, `No mandatory '${claim}' in claims`),
      emptyKeyClaim: messageRefusal(withError, `Invalid '${claim}' in claims`),
      noCredential: messageRefusal(withError, `No credentials found for given '${claim}'`),
      algorithm: messageRefusal(withError, 'Invalid algorithm'),
      key: messageRefusal(withError, 'Invalid key/secret'),
      signature: messageRefusal(withError, 'Invalid signature'),
    };
    this.flow = new AuthFlow<JwtRefusal>({
      anonymous: config.anonymous,
      runOnPreflight: config.run_on_preflight,
      consumers: env.consumers,
      logger: env.logger,
      refuse: (kong, r) => kong.exit(r.status, r.body, r.headers),
    });
  }

  access(kong: PluginRequest): void | Promise<void> {
    return this.flow.run(kong, this.authenticate);
  }

  private readonly authenticate = (kong: PluginRequest): JwtRefusal | Promise<JwtRefusal | null> => {
    const r = this.refusals;
    const tokens = this.sources.find(kong);
    if (tokens.length === 0) return r.noToken;
    if (tokens.length > 1) return r.multiple;
    const token = tokens[0];
    if (token === BARE_ARGUMENT) return r.unrecognizable;

    const decoded = decodeToken(token);
    if (typeof decoded === 'string') return r.badToken.get(decoded)!;

    // Lua's `claims[k] or header[k]`: only a missing (or false) claim falls back to the header.
    let keyValue = decoded.claims[this.keyClaim];
    if (keyValue === undefined || keyValue === null || keyValue === false) keyValue = decoded.header[this.keyClaim];
    if (keyValue === undefined || keyValue === null || keyValue === false) return r.noKeyClaim;
    if (keyValue === '') return r.emptyKeyClaim;
    const match = typeof keyValue === 'string' ? this.env.consumers.byJwtKey(keyValue) : undefined;
    if (match === undefined) return r.noCredential;

    const algorithm = typeof match.credential.algorithm === 'string' ? match.credential.algorithm : 'HS256';
    if (decoded.alg !== algorithm) return r.algorithm;
    const key = this.keys.of(match.credential, algorithm);
    if (key === null) return r.key;
    return this.verify(kong, token, decoded, key, match);
  };

  private async verify(
    kong: PluginRequest,
    token: string,
    decoded: DecodedToken,
    key: VerificationKey,
    match: CredentialMatch,
  ): Promise<JwtRefusal | null> {
    try {
      await compactVerify(token, key, { algorithms: [decoded.alg] });
    } catch {
      return this.refusals.signature;
    }
    const now = Math.floor(this.clock() / 1000);
    const errors =
      claimErrors(decoded.claims, this.claimsToVerify, now) ??
      (this.maximumExpiration > 0 ? maximumExpirationError(decoded.claims, this.maximumExpiration, now) : null);
    if (errors !== null) return this.claimRefusal(errors);

    kong.authenticate(match.consumer, match.credential);
    // Kong identifies jwt credentials by their key and hands the token to later plugins.
    kong.setHeader('x-credential-identifier', asText(match.credential.key));
    kong.shared.authenticated_jwt_token = token;
    return null;
  }

  private claimRefusal(errors: ClaimErrors): JwtRefusal {
    return refusal(this.challenge, errors);
  }
}

/** Makes a jwt handler reading time from `clock` (ms since the epoch), so tests can fix it. */
export function createJwtHandler(
  config: JwtConfig,
  env: PluginEnvironment,
  clock: () => number = Date.now,
): PluginHandler {
  return new JwtHandler(config, env, clock);
}

/** Authenticates requests carrying a JWT signed with a consumer's jwt credential. */
export const jwt: PluginDefinition<JwtConfig> = {
  name: 'jwt',
  priority: 1450,
  version: '3.9.0',
  schema: jwtSchema,
  create: (config, env) => createJwtHandler(config, env),
};
