import { fileLog } from '../file-log/handler';
import { httpLog } from '../http-log/handler';
import { openTelemetry } from '../opentelemetry/handler';
import { prometheus } from '../prometheus/handler';
import type { PluginDefinition } from '../runtime/plugin-definition';

/** The observability plugins this build bundles. */
export const OBSERVABILITY_PLUGINS: readonly PluginDefinition<never>[] = [openTelemetry, prometheus, httpLog, fileLog];
