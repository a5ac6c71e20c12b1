import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import {
  PluginSchemaRegistry,
  buildContext,
  materializeEntity,
  type Entity,
  type EntityKind,
  type JsonObject,
} from '@gantry/config';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { RouteCaptures } from '@gantry/router';
import { ConsumerDirectory } from '../runtime/consumer-directory';
import type {
  ClusterCounterStore,
  PluginDefinition,
  PluginEnvironment,
  PluginHandler,
  ResponseView,
} from '../runtime/plugin-definition';
import { PluginRequest } from '../runtime/plugin-request';

/** The result of validating a plugin config through the Admin API's path: defaults filled in, or field errors. */
export type ConfigCheck = { ok: true; config: JsonObject; entity: Entity } | { ok: false; errors: JsonObject };

/** Validates `{ name, config, ...entity }` exactly as the Admin API would, with only this plugin bundled. */
export function checkPluginConfig(
  definition: PluginDefinition<never>,
  config: JsonObject,
  entity: JsonObject = {},
): ConfigCheck {
  const registry = new PluginSchemaRegistry(true);
  registry.register(definition.name, definition.schema);
  const result = materializeEntity(
    'plugins',
    { ...entity, name: definition.name, config },
    undefined,
    buildContext({ plugins: registry }),
  );
  if (!result.ok) return { ok: false, errors: result.errors };
  const made = result.entity.config;
  return {
    ok: true,
    config: typeof made === 'object' && made !== null && !Array.isArray(made) ? made : {},
    entity: result.entity,
  };
}

/** The validated config with defaults; throws with the field errors when it is invalid. */
export function pluginConfig<C = JsonObject>(definition: PluginDefinition<never>, config: JsonObject = {}): C {
  const check = checkPluginConfig(definition, config);
  if (!check.ok) throw new Error(`invalid config: ${JSON.stringify(check.errors)}`);
  return check.config as C;
}

/** An in-memory counter store standing in for Cassandra in unit tests (several nodes can share one). */
export class MemoryCounterStore implements ClusterCounterStore {
  readonly windows = new Map<string, number>();
  increment(key: string, windowStart: number, delta: number): Promise<void> {
    const k = `${key}@${windowStart}`;
    this.windows.set(k, (this.windows.get(k) ?? 0) + delta);
    return Promise.resolve();
  }
  current(key: string, windowStart: number): Promise<number> {
    return Promise.resolve(this.windows.get(`${key}@${windowStart}`) ?? 0);
  }
}

/** A plugin environment for unit tests: silent logger, fresh directory and registry, memory counters. */
export function testEnvironment(overrides: Partial<PluginEnvironment> = {}): PluginEnvironment {
  return {
    logger: pino({ level: 'silent' }),
    consumers: new ConsumerDirectory(),
    nodeId: 'test-node',
    metrics: new Registry(),
    clusterCounters: new MemoryCounterStore(),
    gateway: { configHash: () => '00000000000000000000000000000000', targetHealth: () => [] },
    dataDir: '/tmp',
    ...overrides,
  };
}

/** Fills a directory with entities, e.g. `{ consumers: [...], keyauth_credentials: [...] }`. */
export function directoryWith(entities: Partial<Record<EntityKind, Entity[]>>): ConsumerDirectory {
  const directory = new ConsumerDirectory();
  directory.load(entities);
  return directory;
}

export interface TestRequest {
  method?: string;
  /** Path and query, e.g. `/api?apikey=x`. */
  url?: string;
  headers?: IncomingHttpHeaders;
  body?: string | Buffer;
  clientIp?: string;
  scheme?: 'http' | 'https';
  route?: Entity | null;
  service?: Entity | null;
  captures?: RouteCaptures | null;
  /** Defaults to the request path. */
  upstreamPath?: string;
  /** The config version the request is served under (log records carry it). */
  configVersion?: number;
}

/** A `PluginRequest` over a real `IncomingMessage` carrying `body` (no response object: headers are collected). */
export function testRequest(options: TestRequest = {}): PluginRequest {
  const req = new IncomingMessage(new Socket());
  req.method = options.method ?? 'GET';
  const url = options.url ?? '/';
  req.url = url;
  req.headers = { host: 'example.com', ...(options.headers ?? {}) };
  if (options.body !== undefined) {
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.headers['content-length'] = String(body.length);
    }
    req.push(body);
  }
  req.push(null);
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return new PluginRequest({
    requestId: 'test-request-id',
    receivedAt: process.hrtime.bigint(),
    req,
    res: null,
    path,
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    clientIp: options.clientIp ?? '127.0.0.1',
    scheme: options.scheme ?? 'http',
    host: 'example.com',
    port: 8000,
    route: options.route ?? null,
    service: options.service ?? null,
    captures: options.captures ?? null,
    upstreamPath: options.upstreamPath ?? path,
    configVersion: options.configVersion,
  });
}

/** Makes a handler from a config given as a user would (validated, defaults filled in). */
export function createHandler(
  definition: PluginDefinition<never>,
  config: JsonObject = {},
  env: PluginEnvironment = testEnvironment(),
  scope: { routeId?: string; serviceId?: string; consumerId?: string } = {},
): PluginHandler {
  return definition.create(pluginConfig<never>(definition, config), env, {
    id: '00000000-0000-4000-8000-000000000001',
    name: definition.name,
    instanceName: null,
    routeId: scope.routeId ?? null,
    serviceId: scope.serviceId ?? null,
    consumerId: scope.consumerId ?? null,
  });
}

/** Runs a handler's access phase (awaiting it when asynchronous) and returns the request. */
export async function runAccess(handler: PluginHandler, kong: PluginRequest): Promise<PluginRequest> {
  await handler.access?.(kong);
  return kong;
}

/** Runs the response phase (and the body phase when the handler wants it) over an upstream answer. */
export function runResponse(
  handler: PluginHandler,
  kong: PluginRequest,
  status: number,
  headers: IncomingHttpHeaders = {},
  body?: Buffer | string,
): { view: ResponseView; body: Buffer | undefined } {
  const view: ResponseView = { status, headers, source: 'upstream' };
  handler.response?.(kong, view);
  let out = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  if (out !== undefined && handler.body !== undefined && (handler.wantsBody?.(kong, view) ?? true)) {
    out = handler.body(kong, out, view);
  }
  return { view, body: out };
}

/** A JSON exit body, parsed. */
export function exitJson(kong: PluginRequest): unknown {
  return kong.exited === null ? undefined : JSON.parse(kong.exited.body.toString());
}
