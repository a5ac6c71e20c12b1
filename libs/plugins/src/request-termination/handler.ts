import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { requestTerminationSchema, type RequestTerminationConfig } from './schema';

/** Kong's default messages for common statuses when `message` is not set. */
const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
};

function createHandler(config: RequestTerminationConfig): PluginHandler {
  const status = config.status_code;
  // Header names are case-insensitive; Kong looks the query argument up by the configured name as written.
  const trigger = config.trigger === null ? null : { header: config.trigger.toLowerCase(), query: config.trigger };
  const rawBody = config.body === null ? null : Buffer.from(config.body);
  const rawHeaders = { 'content-type': config.content_type ?? 'application/json; charset=utf-8' };
  const message = config.message ?? DEFAULT_MESSAGES[status] ?? null;
  const messageBody = message === null ? null : Buffer.from(JSON.stringify({ message }));
  const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

  return {
    access(kong: PluginRequest): void {
      // With a trigger, only requests naming it (header or query argument) are terminated.
      if (trigger !== null && kong.headers[trigger.header] === undefined && !kong.query().has(trigger.query)) return;
      if (config.echo) {
        kong.exit(status, echoOf(kong));
        return;
      }
      if (rawBody !== null) kong.exit(status, rawBody, rawHeaders);
      else if (messageBody !== null) kong.exit(status, messageBody, jsonHeaders);
      else kong.exit(status);
    },
  };
}

/** The request as the client sent it, for `echo`: what reached the gateway and what matched. */
function echoOf(kong: PluginRequest): object {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(kong.query().keys())) {
    const all = kong.query().getAll(key);
    query[key] = all.length === 1 ? all[0] : all;
  }
  return {
    message: 'request-termination echo',
    request: {
      scheme: kong.scheme,
      host: kong.host,
      port: kong.port,
      method: kong.method,
      path: kong.path,
      query,
      headers: kong.headers,
      raw_body: kong.upstreamBody?.toString() ?? '',
    },
    matched_route: kong.route,
    matched_service: kong.service,
    consumer: kong.consumer,
  };
}

/** Answers every request with a fixed status and body, to take a route, service or consumer offline. */
export const requestTermination: PluginDefinition<RequestTerminationConfig> = {
  name: 'request-termination',
  priority: 2,
  version: '3.9.0',
  schema: requestTerminationSchema,
  create: createHandler,
};
