import type { OutgoingHttpHeaders } from 'node:http';
import { PluginError } from '../runtime/errors';
import { HttpPoster } from '../shared/http-poster';
import { userinfoOf, type HttpLogConfig } from './schema';

/** The poster of an http-log instance: Kong's method, headers and Basic auth from the endpoint's userinfo. */
export function logPoster(config: HttpLogConfig): HttpPoster {
  let url: URL;
  try {
    url = new URL(config.http_endpoint);
  } catch {
    throw new PluginError('misconfigured', `http_endpoint is not a URL: ${config.http_endpoint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PluginError('misconfigured', `http_endpoint must be http or https: ${config.http_endpoint}`);
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(config.headers ?? {})) headers[name.toLowerCase()] = value;
  // Kong's own headers win over configured ones.
  headers['content-type'] = config.content_type;
  const userinfo = userinfoOf(config.http_endpoint);
  if (userinfo !== null) headers.authorization = `Basic ${Buffer.from(userinfo).toString('base64')}`;
  return new HttpPoster(url, {
    method: config.method,
    headers,
    timeoutMs: config.timeout,
    keepAliveMs: config.keepalive,
    // Kong does not verify the log server's certificate (ssl_verify = false).
    verifyTls: false,
  });
}
