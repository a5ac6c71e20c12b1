import { FOREIGN_KEYS } from '../entities/registry';
import { ENTITY_KINDS } from '../kinds';
import { refId, refIndexName, UNIQUE_RULES, uniqueKey } from './rules';
import type { ConfigState } from './state';

/**
 * Lists every inconsistency in a state: references to missing entities, and indexes that disagree with the
 * entities. Empty for any state the fold produced; meant for tests and replica self-checks.
 */
export function verifyState(state: ConfigState): string[] {
  const problems: string[] = [];
  for (const fk of FOREIGN_KEYS) {
    const index = state.refs[refIndexName(fk)];
    let indexed = 0;
    for (const set of index.values()) indexed += set.size;
    let expected = 0;
    for (const entity of state.entities[fk.kind].values()) {
      const parent = refId(entity[fk.field]);
      if (parent === undefined) continue;
      expected++;
      if (!state.entities[fk.reference].has(parent)) {
        problems.push(`${fk.kind} ${entity.id}: ${fk.field} references missing ${fk.reference} ${parent}`);
      }
      if (index.get(parent)?.has(entity.id) !== true) problems.push(`${refIndexName(fk)}: ${entity.id} not indexed`);
    }
    if (indexed !== expected) problems.push(`${refIndexName(fk)}: ${indexed} index entries for ${expected} references`);
  }
  for (const kind of ENTITY_KINDS) {
    for (const rule of UNIQUE_RULES[kind]) {
      const index = state.unique[rule.name];
      let expected = 0;
      for (const entity of state.entities[kind].values()) {
        const k = uniqueKey(rule, entity);
        if (k === undefined) continue;
        expected++;
        if (index.get(k) !== entity.id) problems.push(`${rule.name}: ${entity.id} not indexed`);
      }
      if (index.size !== expected) problems.push(`${rule.name}: ${index.size} index entries for ${expected} entities`);
    }
  }
  return problems;
}
