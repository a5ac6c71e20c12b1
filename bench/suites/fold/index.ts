import { encodeEvent } from '@gantry/config';
import { benchFold, makeBenchEvents } from '../../../libs/config/src/fold/fold.bench';
import type { BenchCase, MetricSpec, Suite } from '../../harness/types';
import { replayEncoded, replayEncodedIntoMaps, replayIntoMaps, type ReplayResult } from './replay';

/** The project's target: a replica replays at least 100k events per second. */
const EVENTS_PER_SEC: MetricSpec = {
  name: 'eventsPerSec',
  unit: 'events/s',
  better: 'higher',
  goal: { op: '>=', value: 100_000 },
};

const EVENTS = 100_000;
const WARM_UP_EVENTS = 20_000;

const MIX = 'creates of services and routes, service updates, route deletes (libs/config/src/fold/fold.bench.ts)';

function sameCounts(real: ReplayResult, reference: ReplayResult): void {
  const a = JSON.stringify(real.counts);
  const b = JSON.stringify(reference.counts);
  if (a !== b) throw new Error(`the reference built other entities than the fold: ${b} vs ${a}`);
}

/** Encoded logs are built once per size and shared by both sides, so they replay identical bytes. */
function encodedLog(): (n: number) => string[] {
  const cache = new Map<number, string[]>();
  return (n) => {
    let lines = cache.get(n);
    if (!lines) cache.set(n, (lines = makeBenchEvents(n).map(encodeEvent)));
    return lines;
  };
}

export const foldSuite: Suite = {
  name: 'fold',
  description:
    `Replaying the config log into memory on one core: ${EVENTS.toLocaleString('en-US')} single-change events ` +
    `(${MIX}) folded into a fresh state, as a booting replica does.`,
  needs: [],
  prepare: () => {
    const size = (warmUp: boolean): number => (warmUp ? WARM_UP_EVENTS : EVENTS);
    const encoded = encodedLog();
    const apply: BenchCase = {
      name: 'apply',
      params: { events: EVENTS, input: 'decoded events' },
      metrics: [EVENTS_PER_SEC],
      // benchFold builds its own events outside the timed loop and times applyEvent alone.
      measure: ({ warmUp }) => Promise.resolve({ eventsPerSec: benchFold(size(warmUp)) }),
      reference: {
        name: 'plain Map.set',
        description:
          'the same kind of events (same generator and mix) put into a Map per kind with Map.set/Map.delete: no ' +
          'schema, unique-key or foreign-key checks, no indexes, no cascades, no transaction. An upper bound, not ' +
          'a correct fold: the ratio is the share of that ceiling the real fold reaches.',
        measure: ({ warmUp }) =>
          Promise.resolve({ eventsPerSec: replayIntoMaps(makeBenchEvents(size(warmUp))).eventsPerSec }),
      },
    };
    const real = new Map<number, ReplayResult>(); // by size, to check the reference against
    const decodeApply: BenchCase = {
      name: 'decode+apply',
      params: { events: EVENTS, input: 'JSON strings (encodeEvent)' },
      metrics: [EVENTS_PER_SEC],
      measure: ({ warmUp }) => {
        const result = replayEncoded(encoded(size(warmUp)));
        real.set(size(warmUp), result);
        return Promise.resolve({ eventsPerSec: result.eventsPerSec });
      },
      reference: {
        name: 'JSON.parse + Map.set',
        description:
          'the identical JSON lines parsed with JSON.parse and put into plain Maps as above: no envelope checks ' +
          '(decodeEvent), no fold rules. Checked to end with the same entity counts as the real fold.',
        measure: ({ warmUp }) => {
          const result = replayEncodedIntoMaps(encoded(size(warmUp)));
          const mine = real.get(size(warmUp));
          if (mine) sameCounts(mine, result);
          return Promise.resolve({ eventsPerSec: result.eventsPerSec });
        },
      },
    };
    return Promise.resolve({ cases: [apply, decodeApply] });
  },
};
