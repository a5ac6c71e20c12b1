import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical-json';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';
import { listEntities, type ConfigState } from './state';
import type { Utf8Blocks } from './utf8-blocks';

/** Kinds in the order the hash encodes them (code unit order, like the keys of canonical JSON). */
const HASHED_KINDS = [...ENTITY_KINDS].sort();

/** Canonical JSON is hashed (and written) in chunks of about this many characters rather than one entity at a time. */
const CHUNK = 64 * 1024;

/**
 * sha256 (hex) of the canonical JSON of `{ <kind>: [<entities sorted by id>], ... }` over every kind. With `out`,
 * the text is also written there as it is hashed, so a snapshot that needs both the hash and the entities' JSON
 * encodes every entity once instead of twice (canonical JSON for the hash, then JSON again for the payload).
 */
export function hashCanonicalEntities(sorted: (kind: EntityKind) => readonly Entity[], out?: Utf8Blocks): string {
  const hash = createHash('sha256');
  const flush = (text: string): void => {
    // Written first, then hashed from the written bytes: one UTF-8 encoding serves both.
    if (out) hash.update(out.write(text));
    else hash.update(text, 'utf8');
  };
  let text = '{';
  for (let i = 0; i < HASHED_KINDS.length; i++) {
    const kind = HASHED_KINDS[i];
    text += `${i > 0 ? ',' : ''}${JSON.stringify(kind)}:[`;
    const entities = sorted(kind);
    for (let j = 0; j < entities.length; j++) {
      text += j > 0 ? `,${canonicalJson(entities[j])}` : canonicalJson(entities[j]);
      if (text.length >= CHUNK) {
        flush(text);
        text = '';
      }
    }
    text += ']';
  }
  flush(`${text}}`);
  return hash.digest('hex');
}

/** `hashCanonicalEntities` of a live state (each kind sorted by id here). */
export function hashStateEntities(state: ConfigState, out?: Utf8Blocks): string {
  return hashCanonicalEntities((kind) => listEntities(state, kind), out);
}
