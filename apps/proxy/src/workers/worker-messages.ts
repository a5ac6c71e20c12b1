/** IPC between the proxy's primary process and its workers (`GANTRY_PROXY_WORKERS` > 1). */
export const STATUS_REQUEST = 'gantry:status-request';
export const STATUS_RESPONSE = 'gantry:status-response';

export interface StatusRequest {
  readonly type: typeof STATUS_REQUEST;
  readonly id: number;
}

export interface StatusResponse {
  readonly type: typeof STATUS_RESPONSE;
  readonly id: number;
  /** Null when the worker is ready; otherwise why not. */
  readonly notReady: string | null;
  readonly status: Record<string, unknown>;
}

export function isStatusRequest(message: unknown): message is StatusRequest {
  return typeof message === 'object' && message !== null && (message as StatusRequest).type === STATUS_REQUEST;
}

export function isStatusResponse(message: unknown): message is StatusResponse {
  return typeof message === 'object' && message !== null && (message as StatusResponse).type === STATUS_RESPONSE;
}
