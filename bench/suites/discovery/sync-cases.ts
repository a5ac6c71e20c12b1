import type { BenchCase, MetricSpec, SampleContext, SuiteContext } from '../../harness/types';
import { gantryRuntime } from '../proxy/gantry-build';
import { INSTANCES, SYNC_TAG_PREFIX, SyncConsul, WARM_TAG_PREFIX } from './sync-catalog';
import {
  ENTITY_WRITERS,
  measureConfigPost,
  measureDiscoverySync,
  measureEntityWrites,
  type SyncFigures,
  type SyncRun,
} from './sync-measure';

/** Services in Consul (issue 6: 1,000 × 10); --quick registers a fifth. */
const SERVICES = { full: 1_000, quick: 200 } as const;
/** Kafka's record limit raised for the one-changeset case: 10,000 targets are a few MiB. */
const RAISED_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface SyncCases {
  readonly cases: BenchCase[];
  readonly close: () => Promise<void>;
}

/** Case 3 of issue 6: the initial sync of services × 10 instances, twice (raised and default record limit). */
export function syncCases(ctx: SuiteContext, beforeFirst: () => Promise<void>): SyncCases {
  const services = ctx.quick ? SERVICES.quick : SERVICES.full;
  const consul = new SyncConsul(services, () => ctx.scratchDir('discovery-consul'), ctx.log);
  const measure =
    (side: (run: SyncRun) => Promise<SyncFigures>, maxMessageBytes?: number) =>
    async ({ warmUp }: SampleContext): Promise<SyncFigures> => {
      await beforeFirst();
      return side({
        ctx,
        catalog: await consul.catalog(),
        // The warm-up maps a tenth of the services: it only has to load the apps' code once.
        prefix: warmUp ? WARM_TAG_PREFIX : SYNC_TAG_PREFIX,
        ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
      });
    };
  const params = {
    services,
    instances: INSTANCES,
    targets: services * INSTANCES,
    log: 'kafka',
    store: 'cassandra',
    gantry: gantryRuntime(),
  };
  const size = `${services.toLocaleString('en-US')} × ${INSTANCES}`;
  const syncMetric: MetricSpec = { name: 'syncMs', unit: 'ms', better: 'lower' };
  const cases: BenchCase[] = [
    {
      name: `Consul initial sync ${size}, one changeset (topic max.message.bytes 64 MiB)`,
      params: { ...params, maxMessageBytes: RAISED_MAX_MESSAGE_BYTES },
      metrics: [syncMetric, { name: 'events', unit: 'events', better: 'lower', goal: { op: '<=', value: 1 } }],
      measure: measure(measureDiscoverySync, RAISED_MAX_MESSAGE_BYTES),
      reference: {
        name: 'Admin API POST /config (one event)',
        description:
          'a fresh admin on a topic with the same raised record limit; one declarative POST /config holding the ' +
          'same upstreams and targets (same names, weights and tags, the owner tag included), timed from the ' +
          'request to every target in the fold: what the config log and fold cost for that state, without Consul ' +
          'reads, diffing or a discovery process',
        measure: measure(measureConfigPost, RAISED_MAX_MESSAGE_BYTES),
      },
    },
    {
      name: `Consul initial sync ${size}, Kafka's default 1 MiB records`,
      params: { ...params, maxMessageBytes: 'default' },
      metrics: [syncMetric, { name: 'events', unit: 'events', better: 'lower' }],
      measure: measure(measureDiscoverySync),
      reference: {
        name: `Admin API, one write per entity (c=${ENTITY_WRITERS})`,
        description:
          'a fresh admin on a default topic; the same upstreams then targets written one per request ' +
          `(POST /upstreams, POST /upstreams/{u}/targets), ${ENTITY_WRITERS} callers at once, each answered once ` +
          'folded: one event per instance, what registering instances through the Admin API costs',
        measure: measure(measureEntityWrites),
      },
    },
  ];
  return { cases, close: () => consul.close() };
}
