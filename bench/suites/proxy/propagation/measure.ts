import { percentile } from '../../../harness/stats';
import { UPSTREAM_BODY } from '../upstream-body';
import type { PropagationCluster } from './cluster';
import { KeepAliveClient } from './keep-alive-client';
import type { PropagationFigures } from './kong-reference';
import { propagationRoutePath } from './route-paths';

/** A change not routed by every replica this long after its acknowledgement fails the run. */
const DEFAULT_APPLY_TIMEOUT_MS = 10_000;

export class PropagationError extends Error {
  override readonly name = 'PropagationError';
  readonly code = 'BENCH_PROPAGATION_FAILED';
}

/**
 * Polls one replica back to back until it routes `path` to the upstream; returns when that answer arrived.
 * A 404 means "not applied yet"; any other answer than the upstream's 200 fails the run.
 */
async function routedAt(
  client: KeepAliveClient,
  replica: string,
  path: string,
  ackAt: number,
  timeoutMs: number,
): Promise<number> {
  for (;;) {
    const answer = await client.send('GET', path);
    if (answer.status === 200 && answer.body === UPSTREAM_BODY) return answer.at;
    if (answer.status !== 404) {
      throw new PropagationError(`${replica} answered ${answer.status} for ${path}: ${answer.body.slice(0, 200)}`);
    }
    if (answer.at - ackAt > timeoutMs) {
      throw new PropagationError(
        `${replica} still answered 404 for ${path} ${timeoutMs / 1000} s after the Admin API acknowledged ` +
          `the route: the replicas do not apply (or do not route) config changes yet. Last answer: ${answer.body.slice(0, 200)}`,
      );
    }
  }
}

/**
 * `changes` route creations, one after the other: each POST /services/<s>/routes is timed from its 201
 * (the acknowledged write) until the last of the replicas routes the new path to the upstream. Each replica
 * is polled back to back over its own keep-alive connection, so a figure overstates the true delay by at most
 * one poll round trip. Returns p50, p99 and max over the changes.
 */
export async function measurePropagation(
  cluster: PropagationCluster,
  options: { readonly changes: number; readonly runId: string; readonly applyTimeoutMs?: number },
): Promise<PropagationFigures> {
  const admin = new KeepAliveClient(cluster.adminUrl);
  const replicas = cluster.replicas.map((replica) => ({
    name: replica.name,
    client: new KeepAliveClient(replica.url),
  }));
  const delays: number[] = [];
  try {
    for (let i = 0; i < options.changes; i++) {
      const path = propagationRoutePath(options.runId, i);
      const ack = await admin.send('POST', `/services/${cluster.serviceName}/routes`, { paths: [path] });
      if (ack.status !== 201) throw new PropagationError(`creating route ${path} answered ${ack.status}: ${ack.body}`);
      const timeoutMs = options.applyTimeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS;
      const applied = await Promise.all(replicas.map((r) => routedAt(r.client, r.name, path, ack.at, timeoutMs)));
      delays.push(Math.max(...applied) - ack.at);
    }
  } finally {
    admin.close();
    for (const replica of replicas) replica.client.close();
  }
  if (delays.length === 0) throw new PropagationError('no change was measured');
  return { p50Ms: percentile(delays, 0.5), p99Ms: percentile(delays, 0.99), maxMs: Math.max(...delays) };
}
