import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { AuthFlow, headerKey, unauthorized, type AuthRefusal } from '../shared/auth-flow';
import { parseBodyFields, SEVERAL, type BodyFields, type BodyValue } from './body-fields';
import { keyAuthSchema, type KeyAuthConfig } from './schema';

/** One configured key name, with the forms each source looks it up by. */
interface KeyName {
  /** As configured: query and body arguments are case-sensitive. */
  readonly name: string;
  /** How the header is found (and cleared). */
  readonly header: string;
  /** The header name lower-cased only, also cleared when hiding (a client may send `api_key`). */
  readonly rawHeader: string;
}

/** Where the search for a key ended. */
type Found = { readonly name: KeyName; readonly key: string } | AuthRefusal;

class KeyAuthHandler implements PluginHandler {
  private readonly names: readonly KeyName[];
  private readonly flow: AuthFlow;
  private readonly noKey: AuthRefusal;
  private readonly invalid: AuthRefusal;
  private readonly duplicate: AuthRefusal;
  private readonly attempt: (kong: PluginRequest) => AuthRefusal | null | Promise<AuthRefusal | null>;

  constructor(
    private readonly config: KeyAuthConfig,
    private readonly env: PluginEnvironment,
  ) {
    this.names = config.key_names.map((name) => ({
      name,
      header: headerKey(name),
      rawHeader: name.toLowerCase(),
    }));
    const challenge = config.realm === null ? 'Key' : `Key realm="${config.realm}"`;
    this.noKey = unauthorized('No API key found in request', challenge);
    this.invalid = unauthorized('Unauthorized', challenge);
    this.duplicate = unauthorized('Duplicate API key found', challenge);
    this.flow = new AuthFlow({
      anonymous: config.anonymous,
      runOnPreflight: config.run_on_preflight,
      consumers: env.consumers,
      logger: env.logger,
    });
    // Only a body search needs to wait for the body; everything else stays synchronous.
    this.attempt = config.key_in_body ? (kong) => this.authenticateWithBody(kong) : (kong) => this.authenticate(kong);
  }

  access(kong: PluginRequest): void | Promise<void> {
    return this.flow.run(kong, this.attempt);
  }

  private authenticate(kong: PluginRequest): AuthRefusal | null {
    for (const name of this.names) {
      const found = this.decide(name, this.fromHeaderOrQuery(kong, name));
      if (found === undefined) continue;
      if (!('key' in found)) return found;
      if (this.config.hide_credentials) this.hideOutsideBody(kong, found.name);
      return this.verify(kong, found.key);
    }
    return this.noKey;
  }

  private async authenticateWithBody(kong: PluginRequest): Promise<AuthRefusal | null> {
    let body: BodyFields | null | undefined;
    for (const name of this.names) {
      let value = this.fromHeaderOrQuery(kong, name);
      if (value === undefined) {
        body ??= await readBodyFields(kong);
        value = body?.get(name.name);
      }
      const found = this.decide(name, value);
      if (found === undefined) continue;
      if (!('key' in found)) return found;
      if (this.config.hide_credentials) {
        this.hideOutsideBody(kong, found.name);
        body ??= await readBodyFields(kong);
        const rewritten = body?.without(found.name.name) ?? null;
        if (rewritten !== null) kong.setBody(rewritten);
      }
      return this.verify(kong, found.key);
    }
    return this.noKey;
  }

  /** A string ends the search; several values refuse it; anything else moves on to the next name. */
  private decide(name: KeyName, value: BodyValue): Found | undefined {
    if (value === SEVERAL) return this.duplicate;
    if (value === undefined) return undefined;
    return value === '' ? this.noKey : { name, key: value };
  }

  private fromHeaderOrQuery(kong: PluginRequest, name: KeyName): BodyValue {
    if (this.config.key_in_header) {
      const value = kong.headers[name.header];
      if (value !== undefined) {
        if (Array.isArray(value) || (value.includes(',') && sentMoreThanOnce(kong, name.header))) return SEVERAL;
        return value;
      }
    }
    if (this.config.key_in_query && kong.rawQuery !== '') {
      const values = kong.query().getAll(name.name);
      if (values.length > 1) return SEVERAL;
      if (values.length === 1) return values[0];
    }
    return undefined;
  }

  private hideOutsideBody(kong: PluginRequest, name: KeyName): void {
    kong.clearHeader(name.header);
    kong.clearHeader(name.rawHeader);
    if (kong.upstreamQuery === '') return;
    const query = new URLSearchParams(kong.upstreamQuery);
    if (!query.has(name.name)) return;
    query.delete(name.name);
    kong.setUpstreamQuery(query);
  }

  private verify(kong: PluginRequest, key: string): AuthRefusal | null {
    const match = this.env.consumers.byKey(key);
    if (match === undefined) return this.invalid;
    kong.authenticate(match.consumer, match.credential);
    return null;
  }
}

/** Kong logs and ignores a body it cannot parse; so does this. */
async function readBodyFields(kong: PluginRequest): Promise<BodyFields | null> {
  const contentType = kong.headers['content-type'];
  if (contentType === undefined) return null;
  return parseBodyFields(contentType, await kong.readBody());
}

/**
 * Node joins a repeated header into one comma-separated string; nginx keeps the values apart, and Kong refuses a
 * key given twice. The raw header list tells the two apart (only consulted when the value has a comma).
 */
function sentMoreThanOnce(kong: PluginRequest, key: string): boolean {
  const raw = kong.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (headerKey(raw[i]) === key && ++count > 1) return true;
  }
  return false;
}

/** Authenticates requests carrying a consumer's API key in a header, the query string or the body. */
export const keyAuth: PluginDefinition<KeyAuthConfig> = {
  name: 'key-auth',
  priority: 1250,
  version: '3.9.0',
  schema: keyAuthSchema,
  create: (config, env) => new KeyAuthHandler(config, env),
};
