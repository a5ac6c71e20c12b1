import { asText, checkChanges, type Change, type ConfigState } from '@gantry/config';
import { targetKey } from '../flap-damper';
import type { InvalidDesired } from '../report';

/** Some of one upstream's changes, in order. */
export interface Part {
  readonly upstream: string;
  readonly changes: Change[];
}

/**
 * The parts that fit in `limit` changes, in order, and the rest. At least one change is always taken; an
 * upstream larger than the limit is cut, its first piece (holding the upstream's creation) going first.
 */
export function takeWithinLimit(parts: readonly Part[], limit: number): { take: Part[]; rest: Part[] } {
  const take: Part[] = [];
  let room = Math.max(1, limit);
  let i = 0;
  for (; i < parts.length && room > 0; i++) {
    const part = parts[i];
    if (part.changes.length <= room) {
      take.push(part);
      room -= part.changes.length;
      continue;
    }
    if (take.length > 0) break;
    take.push({ upstream: part.upstream, changes: part.changes.slice(0, room) });
    return { take, rest: [{ upstream: part.upstream, changes: part.changes.slice(room) }, ...parts.slice(i + 1)] };
  }
  return { take, rest: parts.slice(i) };
}

/**
 * Dry-runs the parts together with the fold's own rules, so the event appended is one the fold applies. A part
 * whose change fails is dropped (and reported) and the rest is checked again: one bad upstream does not hold
 * back the others.
 */
export function dryRun(state: ConfigState, parts: readonly Part[]): { accepted: Part[]; refused: InvalidDesired[] } {
  const accepted = [...parts];
  const refused: InvalidDesired[] = [];
  while (accepted.length > 0) {
    const check = checkChanges(
      state,
      accepted.flatMap((p) => p.changes),
    );
    if (check.ok) break;
    let index = check.changeIndex;
    const culprit = accepted.findIndex((p) => (index -= p.changes.length) < 0);
    const [dropped] = accepted.splice(culprit < 0 ? accepted.length - 1 : culprit, 1);
    refused.push({ upstream: dropped.upstream, message: check.error.message });
  }
  return { accepted, refused };
}

/** Counts of what written changes did. */
export interface Tally {
  upstreamsCreated: number;
  targetsCreated: number;
  targetsUpdated: number;
  targetsDeleted: number;
}

export function emptyTally(): Tally {
  return { upstreamsCreated: 0, targetsCreated: 0, targetsUpdated: 0, targetsDeleted: 0 };
}

export function addToTally(tally: Tally, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.kind === 'upstreams' && change.op === 'create') tally.upstreamsCreated++;
    if (change.kind !== 'targets') continue;
    if (change.op === 'create') tally.targetsCreated++;
    else if (change.op === 'update') tally.targetsUpdated++;
    else tally.targetsDeleted++;
  }
}

/** Damping keys of the targets the parts change. */
export function touchedTargets(parts: readonly Part[]): string[] {
  const keys: string[] = [];
  for (const part of parts) {
    for (const change of part.changes) {
      if (change.kind !== 'targets') continue;
      const entity = change.after ?? change.before;
      if (entity !== null) keys.push(targetKey(part.upstream, asText(entity.target)));
    }
  }
  return keys;
}
