import type { PluginRequest } from '../runtime/plugin-request';
import { firstHeader, headerKey } from '../shared/auth-flow';
import type { JwtConfig } from './schema';

/** A query argument given without `=`: nginx reads it as `true`, which Kong cannot use as a token. */
export const BARE_ARGUMENT = Symbol('bare-argument');

/** What a request carries: nothing, one token, or several distinct ones. */
export type FoundTokens = readonly (string | typeof BARE_ARGUMENT)[];

// Kong's pattern is unanchored; a leading `\s*` would only add backtracking.
const BEARER = /[Bb]earer\s+(.+)/;

/** Where the plugin looks for tokens, compiled from the config: query arguments, cookies, then headers. */
export class TokenSources {
  private readonly params: readonly string[];
  private readonly cookies: readonly string[];
  private readonly headers: readonly string[];

  constructor(config: JwtConfig) {
    this.params = config.uri_param_names ?? [];
    this.cookies = (config.cookie_names ?? []).map((name) => name.toLowerCase());
    this.headers = (config.header_names ?? []).map(headerKey);
  }

  /** The distinct non-empty tokens found, in the order Kong looks for them. */
  find(kong: PluginRequest): FoundTokens {
    const found = new Set<string | typeof BARE_ARGUMENT>();
    if (this.params.length > 0 && kong.rawQuery !== '') this.fromQuery(kong, found);
    if (this.cookies.length > 0) this.fromCookies(kong, found);
    for (const key of this.headers) {
      const value = firstHeader(kong, key);
      if (value === undefined) continue;
      const m = BEARER.exec(value);
      if (m !== null) found.add(m[1]);
    }
    return [...found];
  }

  private fromQuery(kong: PluginRequest, found: Set<string | typeof BARE_ARGUMENT>): void {
    const query = kong.query();
    for (const name of this.params) {
      let empty = false;
      for (const value of query.getAll(name)) {
        if (value === '') empty = true;
        else found.add(value);
      }
      if (empty && hasBareArgument(kong.rawQuery, name)) found.add(BARE_ARGUMENT);
    }
  }

  private fromCookies(kong: PluginRequest, found: Set<string | typeof BARE_ARGUMENT>): void {
    const header = kong.headers.cookie;
    if (header === undefined) return;
    for (const wanted of this.cookies) {
      const value = cookieValue(header, wanted);
      if (value !== undefined && value !== '') found.add(value);
    }
  }
}

function hasBareArgument(rawQuery: string, name: string): boolean {
  for (const part of rawQuery.split('&')) {
    if (part.includes('=')) continue;
    try {
      if (decodeURIComponent(part.replace(/\+/g, ' ')) === name) return true;
    } catch {
      if (part === name) return true;
    }
  }
  return false;
}

/** nginx's `$cookie_<name>`: the first cookie of that name, compared case-insensitively. */
function cookieValue(header: string, lowerName: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim().toLowerCase() === lowerName) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
