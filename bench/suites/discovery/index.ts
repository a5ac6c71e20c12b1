import type { Suite } from '../../harness/types';
import { flipCases } from './flip-cases';
import { syncCases } from './sync-cases';

/**
 * Issue 6's benchmarks (docs/benchmarks.md, `discovery`): a registry change until the proxy stops routing to the
 * instance, for Consul and for Kubernetes, against the same change made through the Admin API; and the initial
 * sync of 1,000 services × 10 instances from Consul, against the same state written through the Admin API.
 */
export const discoverySuite: Suite = {
  name: 'discovery',
  description:
    'Discovery (issue 6): a Consul health check failing, and an EndpointSlice endpoint turning not ready, until the ' +
    'proxy stops (and resumes) routing to the instance, against the same flip as an Admin API weight change; the ' +
    'initial sync of 1,000 Consul services × 10 instances into the admin fold, against the same state written ' +
    'through the Admin API. Admin, proxy and discovery are separate built processes on Kafka and Cassandra. ' +
    'Method in docs/benchmarks.md (discovery).',
  needs: ['kafka', 'cassandra', 'consul', 'k8s'],
  prepare: (ctx) => {
    const flips = flipCases(ctx);
    // The sync case starts clusters of its own: the flip cluster and its registrations go first.
    const sync = syncCases(ctx, () => flips.enter('done'));
    return Promise.resolve({
      cases: [...flips.cases, ...sync.cases],
      close: async () => {
        await Promise.allSettled([flips.close(), sync.close()]);
      },
    });
  },
};
