import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPSTREAM_BODY } from '../upstream-body';
import type { PropagationCluster } from './cluster';
import { measurePropagation, PropagationError } from './measure';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))),
  );
});

/**
 * A fake cluster: the admin records each route's path and acknowledges it; each replica starts routing a path
 * after it has answered `lag` polls for it with 404 (a stand-in for a replica catching up), or behaves as `replica`.
 */
async function fakeCluster(options: { lag?: number; replica?: Handler } = {}) {
  const created: string[] = [];
  const adminUrl = await serve((req, res, body) => {
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/services/svc/routes');
    created.push((JSON.parse(body) as { paths: string[] }).paths[0]);
    res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
  const replicaHandler = (): Handler => {
    const polls = new Map<string, number>();
    return (req, res) => {
      const seen = polls.get(req.url!) ?? 0;
      polls.set(req.url!, seen + 1);
      if (created.includes(req.url!) && seen >= (options.lag ?? 2)) res.writeHead(200).end(UPSTREAM_BODY);
      else res.writeHead(404).end('{"message":"no Route matched with those values"}');
    };
  };
  const replicas = await Promise.all(
    [1, 2, 3].map(async (i) => ({ name: `proxy-${i}`, url: await serve(options.replica ?? replicaHandler()) })),
  );
  const cluster: PropagationCluster = { adminUrl, serviceName: 'svc', replicas, stop: () => Promise.resolve() };
  return { cluster, created };
}

describe('measurePropagation', () => {
  it('creates one route per change and times each until every replica routes it', async () => {
    const { cluster, created } = await fakeCluster();
    const figures = await measurePropagation(cluster, { changes: 20, runId: 'r0' });
    expect(created).toHaveLength(20);
    expect(new Set(created).size).toBe(20);
    expect(figures.p50Ms).toBeGreaterThan(0);
    expect(figures.p50Ms).toBeLessThanOrEqual(figures.p99Ms);
    expect(figures.p99Ms).toBeLessThanOrEqual(figures.maxMs);
  });

  it('fails clearly when a replica never routes the new path', async () => {
    const { cluster } = await fakeCluster({ lag: Number.MAX_SAFE_INTEGER });
    await expect(measurePropagation(cluster, { changes: 1, runId: 'r0', applyTimeoutMs: 50 })).rejects.toThrow(
      /still answered 404 for \/propagation\/r0\/0\/ .* after the Admin API acknowledged the route/,
    );
  });

  it('fails on any answer other than 404 or the upstream 200', async () => {
    const { cluster } = await fakeCluster({ replica: (_req, res) => res.writeHead(502).end('bad gateway') });
    await expect(measurePropagation(cluster, { changes: 1, runId: 'r0' })).rejects.toThrow(PropagationError);
    await expect(measurePropagation(cluster, { changes: 1, runId: 'r1' })).rejects.toThrow('answered 502');
  });
});
