import { IdempotencyWindow, ReplicaFold, type IdempotencyLimits } from '@gantry/replica';

/** An empty fold with the replicas' idempotency limits (they must match the cluster's for identical outcomes). */
export function newFold(limits: IdempotencyLimits = {}): ReplicaFold {
  return new ReplicaFold(undefined, new IdempotencyWindow(limits));
}
