/**
 * Kong's bundled plugins with their priorities (a higher priority runs first). `GET /` lists them as
 * available when the plugin registry accepts plugins it has no schema for.
 */
export const BUNDLED_PLUGIN_PRIORITIES: Readonly<Record<string, number>> = {
  'correlation-id': 100001,
  'bot-detection': 2500,
  cors: 2000,
  jwt: 1450,
  'key-auth': 1250,
  'basic-auth': 1100,
  'hmac-auth': 1030,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  acl: 950,
  'rate-limiting': 910,
  'response-ratelimiting': 900,
  'request-transformer': 801,
  'response-transformer': 800,
  'proxy-cache': 100,
  opentelemetry: 14,
  prometheus: 13,
  'http-log': 12,
  'file-log': 9,
  'request-termination': 2,
};
