import { correlationId } from '../correlation-id/handler';
import { proxyCache } from '../proxy-cache/handler';
import { requestTransformer } from '../request-transformer/handler';
import { responseTransformer } from '../response-transformer/handler';
import type { PluginDefinition } from '../runtime/plugin-definition';

/** The transform plugins this build bundles. */
export const TRANSFORM_PLUGINS: readonly PluginDefinition<never>[] = [
  correlationId,
  requestTransformer,
  responseTransformer,
  proxyCache,
];
