import { PluginError } from '../runtime/errors';
import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { requestSizeLimitingSchema, type RequestSizeLimitingConfig, type SizeUnit } from './schema';

const UNIT_BYTES: Readonly<Record<SizeUnit, number>> = { bytes: 1, kilobytes: 1024, megabytes: 2 ** 20 };
const TOO_LARGE = 'Request size limit exceeded';

/** A body over the limit: 417 when the client waits for `100 Continue` before sending it, else 413 (as Kong). */
function refuse(kong: PluginRequest): void {
  const expect = kong.header('expect');
  kong.error(expect !== undefined && expect.trim().toLowerCase() === '100-continue' ? 417 : 413, TOO_LARGE);
}

function createHandler(config: RequestSizeLimitingConfig): PluginHandler {
  const allowedBytes = (config.allowed_payload_size ?? 128) * UNIT_BYTES[config.size_unit];
  const requireLength = config.require_content_length;

  return {
    access(kong: PluginRequest): void | Promise<void> {
      const length = kong.header('content-length');
      const declared = length === undefined || length === '' ? Number.NaN : Number(length);
      if (requireLength && !Number.isFinite(declared)) {
        kong.error(411, 'A valid Content-Length header is required');
        return;
      }
      if (Number.isFinite(declared)) {
        if (declared > allowedBytes) refuse(kong);
        return;
      }
      // Without a length, only a chunked request has a body: count it as it arrives, stopping past the limit.
      if (kong.header('transfer-encoding') === undefined) return;
      return kong.readBody(allowedBytes).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof PluginError && error.status === 413) refuse(kong);
          else throw error;
        },
      );
    },
  };
}

/** Refuses requests whose body is larger than the configured size. */
export const requestSizeLimiting: PluginDefinition<RequestSizeLimitingConfig> = {
  name: 'request-size-limiting',
  priority: 951,
  version: '3.9.0',
  schema: requestSizeLimitingSchema,
  create: createHandler,
};
