import { performance } from 'node:perf_hooks';
import { applyEvent, type ConfigEvent, type ConfigState, createState, decodeEvent } from '@gantry/config';
import { countPlain, foldIntoMaps, type PlainMaps } from './plain-maps';

export interface ReplayResult {
  readonly eventsPerSec: number;
  /** Entities per kind at the end, so the caller can check both sides built the same thing. */
  readonly counts: Record<string, number>;
}

function countState(state: ConfigState): Record<string, number> {
  return Object.fromEntries(
    Object.entries(state.entities)
      .filter(([, byId]) => byId.size > 0)
      .map(([kind, byId]) => [kind, byId.size]),
  );
}

/** Reference for `apply`: the same events into plain Maps. */
export function replayIntoMaps(events: readonly ConfigEvent[]): ReplayResult {
  const maps: PlainMaps = new Map();
  const start = performance.now();
  for (const event of events) foldIntoMaps(maps, event);
  const seconds = (performance.now() - start) / 1000;
  return { eventsPerSec: events.length / seconds, counts: countPlain(maps) };
}

/** What a booting process does per record read from the log: decodeEvent (parse + envelope checks), then applyEvent. */
export function replayEncoded(lines: readonly string[]): ReplayResult {
  const state = createState();
  let rejected = 0;
  const start = performance.now();
  for (const line of lines) {
    if (applyEvent(state, decodeEvent(line)).status === 'rejected') rejected++;
  }
  const seconds = (performance.now() - start) / 1000;
  // A rejected event takes a shorter path; the bench log is meant to be all valid.
  if (rejected > 0) throw new Error(`${rejected} of ${lines.length} bench events were rejected by the fold`);
  return { eventsPerSec: lines.length / seconds, counts: countState(state) };
}

/** Reference for `decode+apply`: JSON.parse and plain Maps, no envelope checks. */
export function replayEncodedIntoMaps(lines: readonly string[]): ReplayResult {
  const maps: PlainMaps = new Map();
  const start = performance.now();
  for (const line of lines) foldIntoMaps(maps, JSON.parse(line) as ConfigEvent);
  const seconds = (performance.now() - start) / 1000;
  return { eventsPerSec: lines.length / seconds, counts: countPlain(maps) };
}
