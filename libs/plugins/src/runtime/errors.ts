/** Codes of the errors the plugin runtime raises. */
export type PluginErrorCode = 'body-too-large' | 'bad-request' | 'unavailable' | 'misconfigured';

/** An error a plugin raises on purpose; `status` is what the client gets (500 when absent). */
export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}
