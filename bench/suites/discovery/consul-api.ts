/** The few Consul HTTP API calls the discovery cases make (no ACL token: the infra's dev agents need none). */
export class ConsulApi {
  constructor(readonly address: string) {}

  private async call(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<string> {
    const answer = await fetch(`${this.address}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`consul ${method} ${path} answered ${answer.status}: ${text.trim()}`);
    return text;
  }

  /** An instance registered with the agent, with one TTL check of its own (`check-<id>`) that starts passing. */
  async registerWithTtlCheck(instance: {
    readonly id: string;
    readonly service: string;
    readonly address: string;
    readonly port: number;
    readonly tags: readonly string[];
  }): Promise<string> {
    const checkId = `check-${instance.id}`;
    await this.call('PUT', '/v1/agent/service/register', {
      ID: instance.id,
      Name: instance.service,
      Address: instance.address,
      Port: instance.port,
      Tags: instance.tags,
      // Consul's default weight (1) is fine: every instance of the service has the same.
      // The bench flips the check itself; the TTL only has to outlast the longest run.
      Check: { CheckID: checkId, TTL: '24h', Status: 'passing' },
    });
    return checkId;
  }

  failCheck(checkId: string): Promise<string> {
    return this.call('PUT', `/v1/agent/check/fail/${encodeURIComponent(checkId)}`);
  }

  passCheck(checkId: string): Promise<string> {
    return this.call('PUT', `/v1/agent/check/pass/${encodeURIComponent(checkId)}`);
  }

  deregisterService(id: string): Promise<string> {
    return this.call('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
  }

  /**
   * One instance on an external node (a node no agent runs on, so anti-entropy leaves it alone), straight into
   * the catalog, without checks: an instance without checks is passing.
   */
  registerInCatalog(entry: {
    readonly node: string;
    readonly nodeAddress: string;
    readonly id: string;
    readonly service: string;
    readonly port: number;
    readonly tags: readonly string[];
  }): Promise<string> {
    return this.call('PUT', '/v1/catalog/register', {
      Node: entry.node,
      Address: entry.nodeAddress,
      NodeMeta: { 'external-node': 'true' },
      SkipNodeUpdate: true,
      Service: { ID: entry.id, Service: entry.service, Port: entry.port, Tags: entry.tags },
    });
  }

  /** Removes a node and every instance on it from the catalog. */
  deregisterNode(node: string): Promise<string> {
    return this.call('PUT', '/v1/catalog/deregister', { Node: node });
  }

  /** Names of the services in the catalog. */
  async services(): Promise<string[]> {
    return Object.keys(JSON.parse(await this.call('GET', '/v1/catalog/services')) as Record<string, unknown>);
  }

  /** The agent's `limits.http_max_conns_per_client` (0: no limit). */
  async httpMaxConnsPerClient(): Promise<number> {
    const self = JSON.parse(await this.call('GET', '/v1/agent/self')) as {
      DebugConfig?: { HTTPMaxConnsPerClient?: number };
    };
    const limit = self.DebugConfig?.HTTPMaxConnsPerClient;
    if (typeof limit !== 'number') throw new Error('consul /v1/agent/self shows no DebugConfig.HTTPMaxConnsPerClient');
    return limit;
  }
}

/** Runs `task` over `items` with at most `concurrency` at once; the first failure rejects. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
