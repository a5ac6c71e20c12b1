import { PluginError } from '../runtime/errors';

// RFC 3986 path characters; `%` is kept only where it starts an escape.
const UNSAFE = /[^A-Za-z0-9.\-_~/:@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})/gu;

/**
 * The upstream path for a rendered `replace.uri` (`kong.service.request.set_path`): it must start with `/`
 * (otherwise the request fails with a 500, as in Kong); characters a path cannot carry are percent-encoded.
 */
export function upstreamPathOf(rendered: string): string {
  if (!rendered.startsWith('/')) throw new PluginError('bad-request', `path must start with /: '${rendered}'`, 500);
  return rendered.replace(UNSAFE, (c) => encodeURIComponent(c));
}
