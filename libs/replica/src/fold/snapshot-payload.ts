import { SNAPSHOT_SCHEMA_VERSION, Utf8Blocks, hashStateEntities, restoreState, type ConfigState } from '@gantry/config';
import { IdempotencyWindow, type IdempotencyLimits } from './idempotency-window';

/** Identifies the payload format; bump `REPLICA_SNAPSHOT_FORMAT_VERSION` when its shape changes. */
export const REPLICA_SNAPSHOT_FORMAT = 'gantry.replica-snapshot';
export const REPLICA_SNAPSHOT_FORMAT_VERSION = 1;

/** A replica snapshot's payload, and the state hash computed while it was written. */
export interface EncodedSnapshot {
  readonly payload: Buffer;
  /** `stateHash` of the state. */
  readonly hash: string;
}

/**
 * Serialises a replica's state for the snapshot store: the fold's own state snapshot plus the idempotency window,
 * since a replica booted from a snapshot must de-duplicate exactly as one that folded the whole log. Plain JSON
 * whose entities are the canonical JSON the state hash is computed over (hashed as it is written, so every entity is
 * encoded once for both), so two processes saving the same version write identical bytes.
 */
export function encodeSnapshotPayload(state: ConfigState, idempotency: IdempotencyWindow): EncodedSnapshot {
  const out = new Utf8Blocks();
  out.write(
    `{"format":${JSON.stringify(REPLICA_SNAPSHOT_FORMAT)},"format_version":${REPLICA_SNAPSHOT_FORMAT_VERSION},` +
      `"state":{"schema_version":${SNAPSHOT_SCHEMA_VERSION},"version":${state.version},"entities":`,
  );
  const hash = hashStateEntities(state, out);
  out.write(`},"idempotency":${JSON.stringify(idempotency.toJSON())}}`);
  return { payload: out.toBuffer(), hash };
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
