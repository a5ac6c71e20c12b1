import type { PluginDefinition, PluginHandler, ResponseView } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { generatorFor } from './generators';
import { correlationIdSchema, type CorrelationIdConfig } from './schema';

/** What tests may replace. */
export interface CorrelationIdOptions {
  /** Wall clock, ms (the `tracker` generator's time stamp). */
  readonly now?: () => number;
}

/** Makes a correlation-id handler. */
export function createCorrelationId(config: CorrelationIdConfig, options: CorrelationIdOptions = {}): PluginHandler {
  // Kong lets `header_name` be null and then fails every request; Gantry falls back to the default name.
  const header = (config.header_name ?? 'Kong-Request-ID').toLowerCase();
  const generate = generatorFor(config.generator, options.now);
  // The id given to the upstream, echoed as it was even if a later plugin changes the header.
  const echoed = config.echo_downstream ? new WeakMap<PluginRequest, string>() : null;

  return {
    access(kong: PluginRequest): void {
      let id = kong.header(header);
      if (id === undefined) {
        id = generate(kong);
        kong.setHeader(header, id);
      }
      echoed?.set(kong, id);
    },

    response(kong: PluginRequest, view: ResponseView): void {
      const id = echoed?.get(kong);
      if (id !== undefined) view.headers[header] = id;
    },
  };
}

/** Gives each request an id header for the upstream (unless the client sent one), optionally echoed back. */
export const correlationId: PluginDefinition<CorrelationIdConfig> = {
  name: 'correlation-id',
  priority: 100001,
  version: '3.9.0',
  schema: correlationIdSchema,
  create: (config) => createCorrelationId(config),
};
