import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchCase, MetricSpec, SampleContext } from '../../harness/types';
import { sampleInChild } from './replay-child';
import { MIX, type SourceLog } from './source-log';

/** The issue's goal: a replay rebuilds at least 100k events per second. */
const EVENTS_PER_SEC: MetricSpec = {
  name: 'eventsPerSec',
  unit: 'events/s',
  better: 'higher',
  goal: { op: '>=', value: 100_000 },
};

/** The same replay up to its last record written, before the target's `finish` (fsync and the final snapshot). */
const LOOP_EVENTS_PER_SEC: MetricSpec = { name: 'loopEventsPerSec', unit: 'events/s', better: 'higher' };
/** The target's `finish`: the new log fsync'd, and a snapshot of the final state encoded and saved. */
const FINISH_MS: MetricSpec = { name: 'finishMs', unit: 'ms', better: 'lower' };

export interface ReplayCaseOptions {
  readonly events: number;
  readonly warmUpEvents: number;
  readonly source: (events: number) => Promise<SourceLog>;
  /** What history the source holds, for the case's name (none for the suite's bench mix) and its description. */
  readonly history?: { readonly name: string; readonly mix: string };
  readonly scratchDir: (prefix: string) => Promise<string>;
}

/**
 * (a) `npx gantry replay --until <head> --into <dir>` as a library call in a process of its own: every record read
 * from an embedded log, folded with the replicas' fold, written to a fresh data directory, and a snapshot of the
 * result saved. Reference: the same records read the same way and written to a fresh log the same way, with no
 * fold and no snapshot (a copy of the log).
 */
export function replayCase(options: ReplayCaseOptions): BenchCase {
  const size = ({ warmUp }: SampleContext): number => (warmUp ? options.warmUpEvents : options.events);
  const hashes = new Map<number, string>(); // every replay of one log must end in the same state

  /** One sample of the replay or of the copy, in its own process, into a scratch directory removed after it. */
  const sample = async (mode: 'replay' | 'copy', ctx: SampleContext): Promise<Record<string, number>> => {
    const source = await options.source(size(ctx));
    const dataDir = join(await options.scratchDir(`audit-${mode}`), 'data');
    try {
      const { version, hash, seconds, loopSeconds } = await sampleInChild(mode, source, dataDir);
      if (version !== source.events) throw new Error(`the ${mode} stopped at version ${version} of ${source.events}`);
      if (hash !== null) {
        const first = hashes.get(source.events);
        if (first !== undefined && first !== hash) {
          throw new Error(`two replays of one log ended in different states (${first} and ${hash})`);
        }
        hashes.set(source.events, hash);
      }
      return {
        eventsPerSec: source.events / seconds,
        loopEventsPerSec: source.events / loopSeconds,
        finishMs: (seconds - loopSeconds) * 1000,
      };
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  return {
    name: `replay ${options.events.toLocaleString('en-US')} events${options.history ? ` (${options.history.name})` : ''}`,
    params: {
      events: options.events,
      source: 'embedded log',
      target: 'embedded store',
      ...(options.history ? { history: options.history.mix } : {}),
    },
    metrics: [EVENTS_PER_SEC, LOOP_EVENTS_PER_SEC, FINISH_MS],
    measure: (ctx) => sample('replay', ctx),
    reference: {
      name: 'copy the log',
      description:
        `the same records (${options.history?.mix ?? MIX}) read the same way (ReplaySource over the embedded log) and written to a fresh ` +
        'embedded log the same way (EmbeddedLogImporter, as the replay target does), without decoding, folding, ' +
        'or the final snapshot: the ratio is the share of a bare copy of the log the replay keeps. ' +
        'loopEventsPerSec stops the clock when the last record is written, before finish (the fsync, and for the ' +
        'replay the snapshot of the final state): finishMs',
      measure: (ctx) => sample('copy', ctx),
    },
  };
}
