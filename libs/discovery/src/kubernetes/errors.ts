import { DiscoveryError } from '../errors';

/** Options a Kubernetes source cannot run with. */
export class InvalidKubernetesOptionsError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_INVALID_OPTIONS';
  override readonly name = 'InvalidKubernetesOptionsError';
}

/** A kubeconfig that cannot be read or names no usable cluster. */
export class KubeconfigError extends Error {
  readonly code = 'GANTRY_DISCOVERY_K8S_KUBECONFIG';
  override readonly name = 'KubeconfigError';
}

/** The API server answered with an error (HTTP status, or a `Status` in a watch's `ERROR` event). */
export class KubeApiError extends Error {
  readonly code = 'GANTRY_DISCOVERY_K8S_API';
  override readonly name = 'KubeApiError';

  constructor(
    message: string,
    /** HTTP status or the Status object's code; 410 means the resourceVersion is gone. */
    readonly status: number,
    /** The Status object's reason (`Expired`, `Gone`, `Forbidden`), when there is one. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** 410 Gone: the resourceVersion (or a list's continue token) is older than what the server keeps. */
export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 410;
}
