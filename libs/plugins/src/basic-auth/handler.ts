import { asText } from '@gantry/config';
import type { CredentialMatch } from '../runtime/consumer-directory';
import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { AuthFlow, firstHeader, unauthorized, type AuthRefusal } from '../shared/auth-flow';
import { parseBasicAuthorization, type GivenCredentials } from './basic-credentials';
import { PasswordCheck } from './password-check';
import { basicAuthSchema, type BasicAuthConfig } from './schema';

const AUTHORIZATION = 'authorization';
const PROXY_AUTHORIZATION = 'proxy-authorization';

class BasicAuthHandler implements PluginHandler {
  private readonly flow: AuthFlow;
  private readonly refusal: AuthRefusal;
  private readonly passwords = new PasswordCheck();

  constructor(
    private readonly config: BasicAuthConfig,
    private readonly env: PluginEnvironment,
  ) {
    this.refusal = unauthorized('Unauthorized', `Basic realm="${config.realm}"`);
    this.flow = new AuthFlow({ anonymous: config.anonymous, consumers: env.consumers, logger: env.logger });
  }

  access(kong: PluginRequest): void | Promise<void> {
    return this.flow.run(kong, this.authenticate);
  }

  close(): void {
    this.passwords.clear();
  }

  private readonly authenticate = (kong: PluginRequest): AuthRefusal | null | Promise<AuthRefusal | null> => {
    const proxyAuthorization = firstHeader(kong, PROXY_AUTHORIZATION);
    const authorization = firstHeader(kong, AUTHORIZATION);
    if (proxyAuthorization === undefined && authorization === undefined) return this.refusal;

    // As in Kong: Proxy-Authorization first; Authorization (and its hiding) only when that found no credential.
    let given = this.retrieve(kong, PROXY_AUTHORIZATION, proxyAuthorization);
    let match = given === null ? undefined : this.env.consumers.byBasicUsername(given.username);
    if (match === undefined) {
      given = this.retrieve(kong, AUTHORIZATION, authorization);
      if (given === null) return this.refusal;
      match = this.env.consumers.byBasicUsername(given.username);
    }
    if (match === undefined || given === null) return this.refusal;

    const { credential } = match;
    const verified = this.passwords.check(credential.id, asText(credential.password), given.password);
    if (verified === true) return this.accept(kong, match);
    const found = match;
    return verified.then((ok) => (ok ? this.accept(kong, found) : this.refusal));
  };

  private retrieve(kong: PluginRequest, header: string, value: string | undefined): GivenCredentials | null {
    const given = value === undefined ? null : parseBasicAuthorization(value);
    if (this.config.hide_credentials) kong.clearHeader(header);
    return given;
  }

  private accept(kong: PluginRequest, match: CredentialMatch): null {
    kong.authenticate(match.consumer, match.credential);
    // Kong identifies basic-auth credentials by username rather than id.
    kong.setHeader('x-credential-identifier', asText(match.credential.username));
    return null;
  }
}

/** Authenticates requests carrying a consumer's username and password (`Authorization: Basic`). */
export const basicAuth: PluginDefinition<BasicAuthConfig> = {
  name: 'basic-auth',
  priority: 1100,
  version: '3.9.0',
  schema: basicAuthSchema,
  create: (config, env) => new BasicAuthHandler(config, env),
};
