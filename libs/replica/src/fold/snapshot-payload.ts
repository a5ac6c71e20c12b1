import { restoreState, snapshotState, type ConfigState, type StateSnapshot } from '@gantry/config';
import { IdempotencyWindow, type IdempotencyLimits } from './idempotency-window';

/** Identifies the payload format; bump `REPLICA_SNAPSHOT_FORMAT_VERSION` when its shape changes. */
export const REPLICA_SNAPSHOT_FORMAT = 'gantry.replica-snapshot';
export const REPLICA_SNAPSHOT_FORMAT_VERSION = 1;

/**
 * Serialises a replica's state for the snapshot store: the fold's own state snapshot plus the idempotency window,
 * since a replica booted from a snapshot must de-duplicate exactly as one that folded the whole log. Plain JSON:
 * it is deterministic for a given version, so two processes saving the same version write identical bytes.
 */
export function encodeSnapshotPayload(
  state: ConfigState,
  idempotency: IdempotencyWindow,
  /** `snapshotState(state)` when the caller already made it. */
  snapshot: StateSnapshot = snapshotState(state),
): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: REPLICA_SNAPSHOT_FORMAT,
      format_version: REPLICA_SNAPSHOT_FORMAT_VERSION,
      state: snapshot,
      idempotency: idempotency.toJSON(),
    }),
    'utf8',
  );
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
