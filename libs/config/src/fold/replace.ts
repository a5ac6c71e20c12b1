import { schemaViolation } from '../errors/factories';
import type { KongError } from '../errors/kong-error';
import type { Change } from '../events/types';
import { jsonEqual } from '../json';
import { ENTITY_KINDS, isEntityKind, kindRank } from '../kinds';
import { applyChange, type AppliedChange } from './mutations';
import { createState, type ConfigState } from './state';
import { Tx } from './tx';

/** Result of building a state from a list of creates. */
export type BuildResult = { ok: true; state: ConfigState } | { ok: false; error: KongError; changeIndex: number };

/**
 * Builds a fresh state from `create` changes, parents before children whatever their order in the list, with
 * every reference and unique constraint checked among them.
 */
export function buildState(changes: readonly Change[]): BuildResult {
  const state = createState();
  const tx = new Tx(false);
  const scratch: AppliedChange[] = [];
  const rank = (i: number): number => {
    const kind = changes[i].kind;
    return isEntityKind(kind) ? kindRank(kind) : -1;
  };
  const order = changes.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
  for (const i of order) {
    const change = changes[i];
    if (change.op !== 'create') {
      return {
        ok: false,
        error: schemaViolation({ '@entity': ["a 'replace' event carries only 'create' changes"] }),
        changeIndex: i,
      };
    }
    const error = applyChange(state, tx, change, scratch);
    if (error !== undefined) return { ok: false, error, changeIndex: i };
  }
  return { ok: true, state };
}

function sortedIds(map: Map<string, unknown>): string[] {
  return [...map.keys()].sort();
}

/**
 * What changes from `from` to `to`, ordered so incremental consumers never see a dangling reference: deletes
 * children first, then creates and updates parents first.
 */
export function diffStates(from: ConfigState, to: ConfigState): AppliedChange[] {
  const out: AppliedChange[] = [];
  for (const kind of [...ENTITY_KINDS].reverse()) {
    const next = to.entities[kind];
    for (const id of sortedIds(from.entities[kind])) {
      if (!next.has(id))
        out.push({ op: 'delete', kind, key: id, before: from.entities[kind].get(id) ?? null, after: null });
    }
  }
  for (const kind of ENTITY_KINDS) {
    const prev = from.entities[kind];
    for (const id of sortedIds(to.entities[kind])) {
      const after = to.entities[kind].get(id) ?? null;
      const before = prev.get(id);
      if (before === undefined) out.push({ op: 'create', kind, key: id, before: null, after });
      else if (!jsonEqual(before, after)) out.push({ op: 'update', kind, key: id, before, after });
    }
  }
  return out;
}

/** Moves the contents of `source` into `target` (keeping `target`'s version). */
export function adoptState(target: ConfigState, source: ConfigState): void {
  target.entities = source.entities;
  target.unique = source.unique;
  target.refs = source.refs;
}
