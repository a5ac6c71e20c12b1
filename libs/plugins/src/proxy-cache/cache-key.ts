import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { PluginRequest } from '../runtime/plugin-request';
import { decodeArgs, type ArgValue } from '../shared/lua-args';

type Lookup = (name: string) => ArgValue | string | readonly string[] | undefined;

/**
 * Kong's `generate_key_from`: `name=value` for each name present (a list sorted and comma-joined, a bare flag
 * as its name alone), joined with `:`.
 */
function keyFrom(names: readonly string[], lookup: Lookup): string {
  const parts: string[] = [];
  for (const name of names) {
    const value = lookup(name);
    if (value === undefined) continue;
    if (Array.isArray(value))
      parts.push(
        `${name}=${value
          .map((v) => String(v))
          .sort()
          .join(',')}`,
      );
    else if (value === true) parts.push(name);
    else parts.push(`${name}=${String(value)}`);
  }
  return parts.join(':');
}

function headerLookup(headers: IncomingHttpHeaders): Lookup {
  return (name) => {
    const lower = name.toLowerCase();
    return headers[lower] ?? headers[lower.replace(/_/g, '-')];
  };
}

/**
 * The request-line part of Kong's key (`ngx.var.request` with the query cut off): the method and raw target,
 * and the protocol only when there was no query (Kong cuts from `?` to the end of the line).
 */
function requestLine(kong: PluginRequest): string {
  const target = kong.raw.url ?? kong.path;
  const q = target.indexOf('?');
  return q < 0 ? `${kong.method} ${target} HTTP/${kong.raw.httpVersion}` : `${kong.method} ${target.slice(0, q)}`;
}

/** What the key varies on, from the config. */
export interface KeyOptions {
  readonly ignoreUriCase: boolean;
  readonly varyQueryParams: readonly string[];
  readonly varyHeaders: readonly string[];
}

/**
 * Kong's proxy-cache key: SHA-256 (hex) of `prefix|method|request line|query part|header part`, where the prefix
 * is `consumer:route`, the route alone, or `default`; the query part covers the configured parameters (all of
 * them, sorted, when none is configured) and the header part the configured headers (none by default).
 */
export function cacheKey(kong: PluginRequest, options: KeyOptions): string {
  const routeId = kong.route?.id ?? null;
  const consumerId = kong.consumer?.id ?? null;
  const prefix = routeId === null ? 'default' : consumerId === null ? routeId : `${consumerId}:${routeId}`;
  const line = options.ignoreUriCase ? requestLine(kong).toLowerCase() : requestLine(kong);
  // The query as ngx reads it now (after earlier plugins' changes); `?flag` and `?flag=` key differently.
  const args = decodeArgs(kong.upstreamQuery);
  const names = options.varyQueryParams.length > 0 ? options.varyQueryParams : [...args.keys()].sort();
  const params = keyFrom(names, (name) => args.get(name));
  const headers = options.varyHeaders.length > 0 ? keyFrom(options.varyHeaders, headerLookup(kong.headers)) : '';
  return createHash('sha256').update(`${prefix}|${kong.upstreamMethod}|${line}|${params}|${headers}`).digest('hex');
}
