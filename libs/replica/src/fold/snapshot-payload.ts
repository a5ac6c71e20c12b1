import {
  SNAPSHOT_SCHEMA_VERSION,
  canonicalStateEntities,
  restoreState,
  type CanonicalEntities,
  type ConfigState,
} from '@gantry/config';
import { IdempotencyWindow, type IdempotencyLimits } from './idempotency-window';

/** Identifies the payload format; bump `REPLICA_SNAPSHOT_FORMAT_VERSION` when its shape changes. */
export const REPLICA_SNAPSHOT_FORMAT = 'gantry.replica-snapshot';
export const REPLICA_SNAPSHOT_FORMAT_VERSION = 1;

/**
 * Serialises a replica's state for the snapshot store: the fold's own state snapshot plus the idempotency window,
 * since a replica booted from a snapshot must de-duplicate exactly as one that folded the whole log. Plain JSON
 * whose entities are the canonical JSON the state hash is computed over (`entities`, made once for both), so two
 * processes saving the same version write identical bytes.
 */
export function encodeSnapshotPayload(
  state: ConfigState,
  idempotency: IdempotencyWindow,
  entities: CanonicalEntities = canonicalStateEntities(state, true),
): Buffer {
  if (entities.bytes === 0) throw new Error("encodeSnapshotPayload needs the entities' text (keepText)");
  const head =
    `{"format":${JSON.stringify(REPLICA_SNAPSHOT_FORMAT)},"format_version":${REPLICA_SNAPSHOT_FORMAT_VERSION},` +
    `"state":{"schema_version":${SNAPSHOT_SCHEMA_VERSION},"version":${state.version},"entities":`;
  const tail = `},"idempotency":${JSON.stringify(idempotency.toJSON())}}`;
  // One allocation for the whole payload (see CanonicalEntities.chunks).
  const payload = Buffer.allocUnsafe(Buffer.byteLength(head) + entities.bytes + Buffer.byteLength(tail));
  let at = payload.write(head, 0, 'utf8');
  for (const chunk of entities.chunks) at += payload.write(chunk, at, 'utf8');
  at += payload.write(tail, at, 'utf8');
  if (at !== payload.length) throw new Error(`snapshot payload: wrote ${at} of ${payload.length} bytes`);
  return payload;
}

export function decodeSnapshotPayload(
  payload: Buffer,
  limits: IdempotencyLimits = {},
): { state: ConfigState; idempotency: IdempotencyWindow } {
  const json = JSON.parse(payload.toString('utf8')) as Record<string, unknown> | null;
  if (typeof json !== 'object' || json === null || json.format !== REPLICA_SNAPSHOT_FORMAT) {
    throw new Error('invalid snapshot: not a Gantry replica snapshot');
  }
  if (json.format_version !== REPLICA_SNAPSHOT_FORMAT_VERSION) {
    throw new Error(`invalid snapshot: unsupported format_version ${JSON.stringify(json.format_version)}`);
  }
  return { state: restoreState(json.state), idempotency: IdempotencyWindow.fromJSON(json.idempotency, limits) };
}
