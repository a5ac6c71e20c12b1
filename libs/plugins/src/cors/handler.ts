import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { compileOrigins, matchOrigin } from './origins';
import { corsSchema, type CorsConfig, CORS_METHODS } from './schema';

const ALLOW_ORIGIN = 'access-control-allow-origin';
const ALLOW_CREDENTIALS = 'access-control-allow-credentials';

/** A browser's preflight: OPTIONS with an Origin and the method it asks permission for. */
function isPreflight(kong: PluginRequest): boolean {
  const h = kong.headers;
  return kong.method === 'OPTIONS' && h.origin !== undefined && h['access-control-request-method'] !== undefined;
}

/** Adds `Origin` to a response's Vary (keeping what the upstream varies on). */
function addVaryOrigin(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
  const vary = headers.vary;
  if (vary === undefined || vary === '') {
    headers.vary = 'Origin';
  } else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(String(vary))) {
    headers.vary = `${Array.isArray(vary) ? vary.join(', ') : String(vary)}, Origin`;
  }
}

function createHandler(config: CorsConfig): PluginHandler {
  const origins = compileOrigins(config.origins);
  const allowHeaders = config.headers !== null && config.headers.length > 0 ? config.headers.join(',') : null;
  const allowMethods = (config.methods ?? CORS_METHODS).join(',');
  const maxAge = config.max_age === null ? null : String(config.max_age);
  const exposeHeaders =
    config.exposed_headers !== null && config.exposed_headers.length > 0 ? config.exposed_headers.join(',') : null;

  /**
   * Sets Access-Control-Allow-Origin (and Credentials) for the request's origin; `preflight` answers set Vary,
   * upstream answers add to theirs.
   */
  function allowOrigin(kong: PluginRequest, headers: IncomingHttpHeaders | OutgoingHttpHeaders, preflight: boolean) {
    const requestOrigin = kong.header('origin');
    const vary = (): void => {
      if (preflight) headers.vary = 'Origin';
      else addVaryOrigin(headers);
    };
    if (origins.allowAll) {
      // Credentials cannot be allowed with `*`: the request's origin is echoed instead.
      if (config.credentials && requestOrigin !== undefined) {
        headers[ALLOW_ORIGIN] = requestOrigin;
        headers[ALLOW_CREDENTIALS] = 'true';
        vary();
      } else {
        headers[ALLOW_ORIGIN] = '*';
      }
      return;
    }
    vary();
    const allowed = origins.fixed ?? (requestOrigin === undefined ? null : matchOrigin(origins, requestOrigin));
    if (allowed === null) delete headers[ALLOW_ORIGIN];
    else headers[ALLOW_ORIGIN] = allowed;
    if (config.credentials) headers[ALLOW_CREDENTIALS] = 'true';
  }

  return {
    access(kong: PluginRequest): void {
      if (!isPreflight(kong) || config.preflight_continue) return;
      const headers: OutgoingHttpHeaders = {};
      allowOrigin(kong, headers, true);
      const requested = kong.header('access-control-request-headers');
      const allowed = allowHeaders ?? requested;
      if (allowed !== undefined) headers['access-control-allow-headers'] = allowed;
      headers['access-control-allow-methods'] = allowMethods;
      if (maxAge !== null) headers['access-control-max-age'] = maxAge;
      if (config.private_network && kong.header('access-control-request-private-network') === 'true') {
        headers['access-control-allow-private-network'] = 'true';
      }
      kong.exit(200, undefined, headers);
    },

    response(kong: PluginRequest, view): void {
      // Preflights were answered (or handed to the upstream, preflight_continue) as they are.
      if (isPreflight(kong)) return;
      allowOrigin(kong, view.headers, false);
      if (exposeHeaders !== null) view.headers['access-control-expose-headers'] = exposeHeaders;
    },
  };
}

/** Answers browsers' CORS preflights and adds the CORS headers to responses. */
export const cors: PluginDefinition<CorsConfig> = {
  name: 'cors',
  priority: 2000,
  version: '3.9.0',
  schema: corsSchema,
  create: createHandler,
};
