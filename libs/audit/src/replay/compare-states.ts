import { ENTITY_KINDS, diffStates, type ConfigState } from '@gantry/config';
import type { StateDifference } from './errors';

/**
 * The first entity (in kind order, then by id) that differs between a replayed state and the live one, or null
 * when they hold the same entities. Versions are not compared: a rejected event changes the version only.
 */
export function firstDifference(replayed: ConfigState, live: ConfigState): StateDifference | null {
  const changes = diffStates(live, replayed);
  if (changes.length === 0) return null;
  const order = (kind: string): number => (ENTITY_KINDS as readonly string[]).indexOf(kind);
  changes.sort((a, b) => order(a.kind) - order(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const first = changes[0];
  const change = first.op === 'delete' ? 'missing' : first.op === 'create' ? 'extra' : 'changed';
  return { kind: first.kind, id: first.key, change };
}

export function describeDifference(difference: StateDifference): string {
  const what = {
    missing: 'is live but missing from the replay',
    extra: 'is in the replay but not live',
    changed: 'differs',
  }[difference.change];
  return `${difference.kind} ${difference.id} ${what}`;
}
