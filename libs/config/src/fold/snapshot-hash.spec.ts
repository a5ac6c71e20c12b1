import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical-json';
import { ENTITY_KINDS, type Entity } from '../kinds';
import { applyEvent } from './apply';
import { makeBenchEvents } from './fold.bench';
import { hashStateEntities } from './canonical-entities';
import { Utf8Blocks } from './utf8-blocks';
import { snapshotState, stateHash } from './snapshot';
import { createState, listEntities, type ConfigState } from './state';

/** The hash as first defined: entities sorted with a comparator, one hash update per entity. */
function originalStateHash(state: ConfigState): string {
  const hash = createHash('sha256');
  hash.update('{');
  [...ENTITY_KINDS].sort().forEach((kind, i) => {
    hash.update(`${i > 0 ? ',' : ''}${JSON.stringify(kind)}:[`);
    [...state.entities[kind].values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .forEach((entity, j) => hash.update(j > 0 ? `,${canonicalJson(entity)}` : canonicalJson(entity)));
    hash.update(']');
  });
  hash.update('}');
  return hash.digest('hex');
}

describe('state hash', () => {
  const state = createState();
  // Enough entities for several hash chunks, with names outside ASCII.
  for (const event of makeBenchEvents(3_000)) applyEvent(state, event);
  const unicode = { ...state.entities.services.values().next().value, name: 'sérvice-✓-𝄞' } as Entity;
  state.entities.services.set(unicode.id, unicode);

  it('is the hash as first defined, with or without the text written out', () => {
    const expected = originalStateHash(state);
    expect(stateHash(state)).toBe(expected);
    expect(hashStateEntities(state, new Utf8Blocks())).toBe(expected);
    expect(stateHash(createState())).toBe(originalStateHash(createState()));
  });

  it('writes out exactly the text it hashed: the canonical JSON of the sorted entities', () => {
    const out = new Utf8Blocks();
    out.write('prefix:');
    const hash = hashStateEntities(state, out);
    const text = out.toBuffer();
    expect(text.length).toBe(out.length);
    expect(text.subarray(0, 7).toString()).toBe('prefix:');
    expect(createHash('sha256').update(text.subarray(7)).digest('hex')).toBe(hash);
    expect(text.subarray(7).toString('utf8')).toBe(canonicalJson(snapshotState(state).entities));
  });

  it('sorts by id even in a state whose map keys are not the ids (not built by the fold)', () => {
    const odd = createState();
    odd.entities.services.set('a', { id: 'z' });
    odd.entities.services.set('b', { id: 'm' });
    expect(listEntities(odd, 'services').map((e) => e.id)).toEqual(['m', 'z']);
    expect(stateHash(odd)).toBe(originalStateHash(odd));
  });
});
