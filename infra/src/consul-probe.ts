/**
 * CONSUL_HTTP_ADDR as Consul's own CLI takes it (`host:port`, `http://host:port` or `https://host:port`), as a
 * base URL without a trailing slash. Unix sockets are not supported here.
 */
export function consulBaseUrl(address: string, variable = 'CONSUL_HTTP_ADDR'): string {
  const value = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${variable} must be host:port or an http(s):// URL, got "${address}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.username || url.password) {
    throw new Error(`${variable} must be host:port or an http(s):// URL without credentials, got "${address}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`${variable} must name only a scheme, host and port, got "${address}"`);
  }
  return url.origin;
}

async function getJson(url: string, token: string | undefined, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: token ? { 'X-Consul-Token': token } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout...).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`GET ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${body.trim().slice(0, 200)}`);
  return JSON.parse(body) as unknown;
}

/**
 * Consul is ready when `/v1/status/leader` names a leader (a dev agent answers HTTP a moment before it has
 * elected itself). The version comes from `/v1/agent/self` when the token may read it.
 */
export async function probeConsul(baseUrl: string, token: string | undefined, timeoutMs = 5_000): Promise<string> {
  const leader = await getJson(`${baseUrl}/v1/status/leader`, token, timeoutMs);
  if (typeof leader !== 'string' || leader === '') throw new Error('Consul has no leader yet');
  let version = '?';
  try {
    const self = (await getJson(`${baseUrl}/v1/agent/self`, token, timeoutMs)) as { Config?: { Version?: string } };
    version = self.Config?.Version ?? '?';
  } catch {
    // an ACL token without agent:read; the leader is what readiness needs
  }
  return `consul ${version}, leader ${leader}`;
}
