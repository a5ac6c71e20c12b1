import { randomBytes } from 'node:crypto';
import { bundledPluginSchemas } from '@gantry/plugins';
import { Authenticator, type Principal } from '../auth/authenticator';
import { message, methodNotAllowed, notFound } from './http/responses';
import { SortedEntities } from './list/sorted-entities';
import { BadPathError, Router, type Method } from './router';
import { auditRoutes } from './routes/audit-routes';
import { auditVerifyRoutes } from './routes/audit-verify-routes';
import { clusteringRoutes } from './routes/clustering-routes';
import { configRoutes } from './routes/config-routes';
import { EntityHandlers } from './routes/entity-handlers';
import { entityRoutes } from './routes/entity-routes';
import { infoRoutes } from './routes/info-routes';
import { schemaRoutes } from './routes/schema-routes';
import { tagRoutes } from './routes/tag-routes';
import { timeTravelRoutes } from './routes/time-travel-routes';
import { upstreamRoutes } from './routes/upstream-routes';
import type { AdminApiOptions, AdminRequest, AdminResponse, AdminServices, RequestContext } from './types';

/** A response ready for the wire: final status, headers and serialised body. */
export interface AdminReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const VALIDATE_PATH = /^\/schemas\/[^/]+(?:\/[^/]+)?\/validate$|^\/schemas\/plugins\/validate$/;

function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Kong's Admin API over a config replica (reads) and a config writer (writes), as plain TypeScript: routes
 * are generated from the entity metadata of `@gantry/config`, and any HTTP server can call {@link handle}.
 */
export class AdminApi {
  private readonly router = new Router();
  private readonly services: AdminServices;
  private readonly auth: Authenticator;
  private readonly requestId: () => string;

  constructor(private readonly options: AdminApiOptions) {
    const now = options.now ?? Date.now;
    this.services = {
      replica: options.replica,
      writer: options.writer,
      settings: options.settings,
      nodeInfo: options.nodeInfo,
      plugins: options.plugins ?? bundledPluginSchemas(),
      now,
      targetHealth: options.targetHealth,
      dataPlanes: options.dataPlanes,
      auditChain: options.auditChain,
      audit: options.audit,
      timeTravel: options.timeTravel,
      startedAt: now(),
      counters: { total: 0, active: 0 },
    };
    this.auth = options.auth ?? new Authenticator([]);
    this.requestId = options.requestId ?? newRequestId;
    const lists = new SortedEntities();
    const entities = new EntityHandlers(this.services, lists);
    const routes = [
      ...infoRoutes(this.services, this.router),
      ...schemaRoutes(this.services),
      ...configRoutes(this.services),
      ...timeTravelRoutes(this.services),
      ...tagRoutes(this.services),
      ...upstreamRoutes(this.services, lists, entities),
      ...clusteringRoutes(this.services),
      ...auditVerifyRoutes(this.services),
      ...auditRoutes(this.services),
      ...entityRoutes(entities),
    ];
    for (const route of routes) this.router.add(route);
  }

  /** Largest body the HTTP adapter should accept. */
  get maxBodyBytes(): number {
    return this.options.settings.maxBodyBytes;
  }

  /** Answers one request. Never throws: unexpected errors become a 500 with the request id, and are reported. */
  async handle(request: AdminRequest): Promise<AdminReply> {
    const requestId = this.requestId();
    const started = Date.now();
    const counters = this.services.counters;
    counters.total++;
    counters.active++;
    let response: AdminResponse;
    try {
      response = await this.dispatch(request, requestId);
    } catch (error) {
      this.options.onError?.(error, requestId, request);
      response = { status: 500, body: { message: 'An unexpected error occurred', request_id: requestId } };
    } finally {
      counters.active--;
    }
    return this.finish(request, response, requestId, Date.now() - started);
  }

  /** The 413 answer for a body over {@link maxBodyBytes} (the adapter stops reading it). */
  payloadTooLarge(request: AdminRequest): AdminReply {
    return this.finish(
      request,
      message(413, `Request body is larger than the limit of ${this.maxBodyBytes} bytes`),
      this.requestId(),
      0,
    );
  }

  private async dispatch(request: AdminRequest, requestId: string): Promise<AdminResponse> {
    let url: URL;
    try {
      url = new URL(request.url, 'http://admin.local');
    } catch {
      return message(400, 'Invalid request URL');
    }
    const rawPath = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') || '/' : url.pathname;
    const method = request.method.toUpperCase();
    let match;
    try {
      match = this.router.match(rawPath);
    } catch (error) {
      if (error instanceof BadPathError) return message(400, 'Invalid percent-encoding in the request path');
      throw error;
    }
    if (match.kind === 'none') return notFound();
    const allowed = Object.keys(match.route.methods);
    if (method === 'OPTIONS') {
      // CORS preflights carry no credentials, so they are answered before authentication.
      const allow = [...allowed, 'OPTIONS'].join(', ');
      return { status: 204, headers: { Allow: allow, 'Access-Control-Allow-Methods': allow } };
    }
    const auth = this.auth.authenticate(request.headers);
    if (!auth.ok) {
      return {
        status: 401,
        body: {
          message:
            auth.reason === 'missing'
              ? 'Unauthorized: send a token in Kong-Admin-Token or Authorization: Bearer'
              : 'Unauthorized: invalid admin token',
        },
        headers: { 'WWW-Authenticate': 'Bearer realm="gantry-admin"' },
      };
    }
    const handler = match.route.methods[(method === 'HEAD' ? 'GET' : method) as Method];
    if (handler === undefined) return { ...methodNotAllowed(), headers: { Allow: allowed.join(', ') } };
    if (!this.mayCall(auth.principal, method, rawPath)) {
      return message(
        403,
        `Forbidden: token '${auth.principal.name}' has the read role and cannot change configuration`,
      );
    }
    const notReady = match.route.needsConfig === false ? undefined : this.options.notReady?.();
    if (notReady) {
      return {
        status: 503,
        body: { message: `The configuration is not loaded yet: ${notReady}` },
        headers: { 'Retry-After': '1' },
      };
    }
    if (match.route.needsConfig !== false && this.options.catchUp) {
      await this.options.catchUp().catch(() => undefined);
    }
    const ctx: RequestContext = {
      request,
      method,
      rawPath,
      query: url.searchParams,
      params: match.params,
      requestId,
      principal: auth.principal,
    };
    return handler(ctx);
  }

  private mayCall(principal: Principal, method: string, path: string): boolean {
    return principal.role === 'admin' || READ_METHODS.has(method) || (method === 'POST' && VALIDATE_PATH.test(path));
  }

  private finish(request: AdminRequest, response: AdminResponse, requestId: string, latencyMs: number): AdminReply {
    const headers: Record<string, string> = {
      'X-Kong-Admin-Request-ID': requestId,
      'X-Kong-Admin-Latency': String(latencyMs),
      'Access-Control-Allow-Origin': '*',
      ...response.headers,
    };
    let body: string | undefined;
    if (response.body !== undefined && response.status !== 204 && response.status !== 304) {
      body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      headers['Content-Type'] ??= JSON_TYPE;
    }
    if (request.method.toUpperCase() === 'HEAD') body = undefined;
    return { status: response.status, headers, body };
  }
}

/** Builds the Admin API; see {@link AdminApiOptions}. */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  return new AdminApi(options);
}
