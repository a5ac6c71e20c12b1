import type { PluginRequest } from '../runtime/plugin-request';
import { firstHeader, headerKey } from '../shared/auth-flow';

/**
 * The string a client signs, rebuilt as Kong builds it: one line per listed name, `name: value` for a header
 * the request has, `@request-target: <method> <uri>` and the HTTP `request-line` when those names are not
 * headers, and `name:` for anything else. The URI is the request's own, query included.
 */
export function signingString(kong: PluginRequest, names: readonly string[]): string {
  const uri = kong.rawQuery === '' ? kong.path : `${kong.path}?${kong.rawQuery}`;
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (i > 0) out += '\n';
    const value = name === '' ? undefined : firstHeader(kong, headerKey(name));
    if (value !== undefined) out += `${name}: ${value}`;
    else if (name === '@request-target') out += `${name}: ${kong.method.toLowerCase()} ${uri}`;
    else if (name === 'request-line') out += `${kong.method} ${uri} HTTP/${httpVersion(kong)}`;
    else out += `${name}:`;
  }
  return out;
}

/** Kong prints the version as a number with one decimal: `1.1`, `1.0`, `2.0`. */
function httpVersion(kong: PluginRequest): string {
  return `${kong.raw.httpVersionMajor}.${kong.raw.httpVersionMinor}`;
}
