import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical-json';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';
import { listEntities, type ConfigState } from './state';

/** Kinds in the order the hash encodes them (code unit order, like the keys of canonical JSON). */
const HASHED_KINDS = [...ENTITY_KINDS].sort();

/** Canonical JSON is hashed in chunks of about this many characters rather than one entity at a time. */
const CHUNK = 64 * 1024;

/** The canonical JSON of a state's entities and its sha256, made in one pass. */
export interface CanonicalEntities {
  /** sha256 (hex) of the text: `stateHash`. */
  readonly hash: string;
  /** The text, in order; empty unless `keepText` was asked for. */
  readonly chunks: readonly string[];
  /** Total UTF-8 bytes of `chunks`. */
  readonly bytes: number;
}

/**
 * The canonical JSON of `{ <kind>: [<entities sorted by id>], ... }` over every kind, hashed as it is written.
 * With `keepText` the text is kept too, so a snapshot that needs both the hash and the entities' JSON encodes every
 * entity once instead of twice (canonical JSON for the hash, then JSON again for the payload).
 */
export function encodeCanonicalEntities(
  sorted: (kind: EntityKind) => readonly Entity[],
  keepText: boolean,
): CanonicalEntities {
  const hash = createHash('sha256');
  // Kept as strings, not Buffers: hundreds of MB of small external allocations would each push V8 towards a full
  // garbage collection of the (large) heap holding the state. The caller copies them into one buffer.
  const chunks: string[] = [];
  let bytes = 0;
  const flush = (text: string): void => {
    hash.update(text, 'utf8');
    if (keepText) {
      chunks.push(text);
      bytes += Buffer.byteLength(text, 'utf8');
    }
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
  return { hash: hash.digest('hex'), chunks, bytes };
}

/** `encodeCanonicalEntities` of a live state (each kind sorted by id here). */
export function canonicalStateEntities(state: ConfigState, keepText: boolean): CanonicalEntities {
  return encodeCanonicalEntities((kind) => listEntities(state, kind), keepText);
}
