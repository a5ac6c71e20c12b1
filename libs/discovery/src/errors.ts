export type DiscoveryErrorCode =
  | 'GANTRY_DISCOVERY_INVALID_SOURCE'
  | 'GANTRY_DISCOVERY_INVALID_INPUT'
  | 'GANTRY_DISCOVERY_INVALID_OPTIONS'
  | 'GANTRY_DISCOVERY_CLOSED';

/** Base of every error the discovery library throws; `code` is stable and what callers branch on. */
export abstract class DiscoveryError extends Error {
  abstract readonly code: DiscoveryErrorCode;
}

/** A source id that cannot name an owner tag. */
export class InvalidSourceError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_INVALID_SOURCE';
  override readonly name = 'InvalidSourceError';
}

/** A snapshot or delta with the wrong shape (a watcher bug, not bad registry data: that is reported, not thrown). */
export class InvalidDesiredError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_INVALID_INPUT';
  override readonly name = 'InvalidDesiredError';
}

export class InvalidReconcilerOptionsError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_INVALID_OPTIONS';
  override readonly name = 'InvalidReconcilerOptionsError';
}

/** The reconciler was closed; it takes no more input. */
export class ReconcilerClosedError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_CLOSED';
  override readonly name = 'ReconcilerClosedError';
}
