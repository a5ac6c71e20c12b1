import { botDetection } from '../bot-detection/handler';
import { cors } from '../cors/handler';
import { ipRestriction } from '../ip-restriction/handler';
import { rateLimiting } from '../rate-limiting/handler';
import { requestSizeLimiting } from '../request-size-limiting/handler';
import type { PluginDefinition } from '../runtime/plugin-definition';

/** The traffic plugins this build bundles. */
export const TRAFFIC_PLUGINS: readonly PluginDefinition<never>[] = [
  botDetection,
  cors,
  ipRestriction,
  requestSizeLimiting,
  rateLimiting,
];
