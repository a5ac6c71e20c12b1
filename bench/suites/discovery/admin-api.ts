/** An Admin API call whose answer must have status `expected`; returns the parsed JSON body (or null). */
export async function adminCall(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  expected = method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200,
): Promise<unknown> {
  const answer = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await answer.text();
  if (answer.status !== expected) throw new Error(`${method} ${url} answered ${answer.status}: ${text.slice(0, 500)}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** The targets of an upstream as the admin's fold holds them (first page of up to 1,000); [] when it is unknown. */
export async function upstreamTargets(
  adminUrl: string,
  upstream: string,
): Promise<{ target: string; weight: number }[]> {
  const answer = await fetch(`${adminUrl}/upstreams/${encodeURIComponent(upstream)}/targets?size=1000`);
  if (answer.status === 404) return [];
  if (answer.status !== 200) throw new Error(`GET targets of ${upstream} answered ${answer.status}`);
  return ((await answer.json()) as { data: { target: string; weight: number }[] }).data;
}

/** The admin's config version: the number of events it has folded. */
export async function configVersion(adminUrl: string): Promise<number> {
  const status = (await adminCall('GET', `${adminUrl}/status`)) as { gantry: { config_version: number } };
  return status.gantry.config_version;
}
