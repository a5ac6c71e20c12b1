import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One service instance of the fake catalog, with the statuses of its checks (node checks included). */
export interface FakeInstance {
  readonly service: string;
  readonly id: string;
  readonly node?: string;
  readonly nodeAddress?: string;
  readonly address?: string;
  readonly port: number;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
  readonly weights?: { readonly Passing: number; readonly Warning: number };
  /** Check statuses: the node's (`serfHealth`) first, then the service's own; default `['passing']`. */
  readonly checks?: readonly string[];
  readonly kind?: string;
}

/** An answer forced on the next read of an endpoint, whatever its index. */
export interface ScriptedAnswer {
  readonly status?: number;
  /** `X-Consul-Index`; null leaves the header out. Default: the endpoint's current index. */
  readonly index?: string | null;
  /** Raw body; default: the endpoint's current data. */
  readonly body?: string;
  /** Never answer (until the client gives up or the server closes). */
  readonly hang?: boolean;
}

export interface RecordedRequest {
  readonly endpoint: string;
  readonly query: URLSearchParams;
  readonly token: string | undefined;
}

const META_FILTER = /^"([^"]+)" in ServiceMeta$/;

/**
 * A Consul HTTP API that knows `/v1/catalog/services` (with the `"<key>" in ServiceMeta` filter) and
 * `/v1/health/service/<name>`, with blocking reads (`index`, `wait`) as Consul answers them: held until the
 * endpoint's index passes the one sent, or the wait ends. Endpoints are `catalog`, `catalog-meta:<key>` and
 * `health/<name>`. For unit tests: the real agent is in the integration tests.
 */
export class FakeConsul {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private readonly instances = new Map<string, FakeInstance>();
  private raftIndex = 10;
  private catalogIndex = 10;
  private readonly serviceIndex = new Map<string, number>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private wake = new Set<() => void>();
  private readonly open = new Set<IncomingMessage>();

  /** Reads held open right now (blocking queries waiting). */
  get inFlight(): number {
    return this.open.size;
  }

  async start(tls?: ServerOptions): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.wake) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }

  register(instance: FakeInstance): void {
    this.instances.set(`${instance.service}/${instance.id}`, instance);
    this.touch(instance.service, true);
  }

  /** Changes an instance's check statuses (a health change: the catalog index does not move). */
  setChecks(service: string, id: string, checks: readonly string[]): void {
    const key = `${service}/${id}`;
    const instance = this.instances.get(key);
    if (instance === undefined) throw new Error(`no instance ${key}`);
    this.instances.set(key, { ...instance, checks });
    this.touch(service, false);
  }

  deregister(service: string, id: string): void {
    this.instances.delete(`${service}/${id}`);
    this.touch(service, true);
  }

  /** Queues answers for the next reads of `endpoint` (`catalog`, `catalog-meta:<key>`, `health/<name>`). */
  script(endpoint: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(endpoint, [...(this.scripts.get(endpoint) ?? []), ...answers]);
    this.notify();
  }

  /** Reads of one endpoint so far. */
  reads(endpoint: string): RecordedRequest[] {
    return this.requests.filter((r) => r.endpoint === endpoint);
  }

  private touch(service: string, catalog: boolean): void {
    this.raftIndex++;
    this.serviceIndex.set(service, this.raftIndex);
    if (catalog) this.catalogIndex = this.raftIndex;
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = new Set();
    for (const wake of waiting) wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const endpoint = this.endpoint(url);
    const token = req.headers['x-consul-token'];
    this.requests.push({ endpoint, query: url.searchParams, token: typeof token === 'string' ? token : undefined });
    if (endpoint === 'unknown') {
      res.writeHead(404).end('no such endpoint');
      return;
    }
    this.open.add(req);
    const gone = new Promise<void>((resolve) => res.once('close', () => resolve()));
    try {
      const sent = Number(url.searchParams.get('index') ?? '0');
      const waitMs = Number(/^(\d+)ms$/.exec(url.searchParams.get('wait') ?? '')?.[1] ?? '300000');
      const deadline = Date.now() + waitMs;
      let closed = false;
      void gone.then(() => (closed = true));
      while (!closed && sent > 0 && this.indexOf(endpoint) <= sent && !this.scripts.get(endpoint)?.length) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          this.wake.add(() => {
            clearTimeout(timer);
            resolve();
          });
          void gone.then(resolve);
        });
      }
      if (closed) return;
      const scripted = this.scripts.get(endpoint)?.shift();
      if (scripted?.hang === true) {
        await gone;
        return;
      }
      const index = scripted?.index === undefined ? String(this.indexOf(endpoint)) : scripted.index;
      res.writeHead(scripted?.status ?? 200, {
        'content-type': 'application/json',
        ...(index === null ? {} : { 'x-consul-index': index }),
      });
      res.end(scripted?.body ?? JSON.stringify(this.bodyOf(endpoint)));
    } finally {
      this.open.delete(req);
    }
  }

  private endpoint(url: URL): string {
    if (url.pathname === '/v1/catalog/services') {
      const filter = url.searchParams.get('filter');
      if (filter === null) return 'catalog';
      const key = META_FILTER.exec(filter)?.[1];
      return key === undefined ? 'unknown' : `catalog-meta:${key}`;
    }
    const health = /^\/v1\/health\/service\/([^/]+)$/.exec(url.pathname);
    return health === null ? 'unknown' : `health/${decodeURIComponent(health[1])}`;
  }

  private indexOf(endpoint: string): number {
    if (endpoint.startsWith('health/'))
      return this.serviceIndex.get(endpoint.slice('health/'.length)) ?? this.catalogIndex;
    return this.catalogIndex;
  }

  private bodyOf(endpoint: string): unknown {
    if (endpoint.startsWith('health/')) {
      const name = endpoint.slice('health/'.length);
      return [...this.instances.values()].filter((i) => i.service === name).map(healthEntry);
    }
    const metaKey = endpoint.startsWith('catalog-meta:') ? endpoint.slice('catalog-meta:'.length) : undefined;
    const out: Record<string, string[]> = {};
    for (const i of this.instances.values()) {
      if (metaKey !== undefined && !(metaKey in (i.meta ?? {}))) continue;
      out[i.service] = [...new Set([...(out[i.service] ?? []), ...(i.tags ?? [])])];
    }
    return out;
  }
}

function healthEntry(i: FakeInstance): unknown {
  const node = i.node ?? 'node-1';
  const [nodeCheck = 'passing', ...serviceChecks] = i.checks ?? ['passing'];
  return {
    Node: { Node: node, Address: i.nodeAddress ?? '10.0.0.1', Datacenter: 'dc1' },
    Service: {
      ID: i.id,
      Service: i.service,
      Kind: i.kind ?? '',
      Tags: i.tags ?? [],
      Address: i.address ?? '',
      Meta: i.meta ?? {},
      Port: i.port,
      Weights: i.weights ?? { Passing: 1, Warning: 1 },
    },
    Checks: [
      { Node: node, CheckID: 'serfHealth', Status: nodeCheck, ServiceID: '' },
      ...serviceChecks.map((status, n) => ({ Node: node, CheckID: `${i.id}-${n}`, Status: status, ServiceID: i.id })),
    ],
  };
}
