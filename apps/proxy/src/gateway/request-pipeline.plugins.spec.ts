import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@gantry/config';
import {
  PluginCatalog,
  PluginError,
  PluginRuntime,
  serializeLog,
  type PluginDefinition,
  type PluginRequest,
} from '@gantry/plugins';
import { Router } from '@gantry/router';
import { makeRoute, testId } from '../../../../libs/router/src/testing/routes';
import { testEnvironment } from '../../../../libs/plugins/src/testing/plugin-harness';
import pino from 'pino';
import type { DataPlane } from '../data-plane/data-plane';
import { KongErrors, TrustedProxies, type ForwardRequest } from '../forwarding';
import { ProxyMetrics } from '../status/proxy-metrics';
import { RequestPipeline } from './request-pipeline';

/** The fake data plane's config version; `x-mode: apply` applies an event (bumps it) while the request is in flight. */
const plane = { version: 41 };
/** `gantry.config_version` of each log record, in order. */
const logged: number[] = [];

/** A plugin whose behaviour the request chooses with `x-mode`: throw, reject, fail with a status, or pass. */
const moody: PluginDefinition = {
  name: 'moody',
  priority: 1,
  version: '1.0.0',
  schema: { fields: [['config', { type: 'record', fields: [] }]] },
  create: () => ({
    access(kong: PluginRequest): void | Promise<void> {
      const mode = kong.header('x-mode');
      if (mode === 'throw') throw new Error('boom');
      if (mode === 'reject') return Promise.reject(new Error('async boom'));
      if (mode === 'teapot') throw new PluginError('bad-request', 'short and stout', 418);
      if (mode === 'apply') {
        return new Promise((resolve) =>
          setImmediate(() => {
            plane.version++;
            resolve();
          }),
        );
      }
      kong.setResponseHeader('x-moody', 'passed');
    },
    response(_kong, view) {
      view.headers['x-moody-response'] = String(view.status);
    },
    log(kong: PluginRequest): void {
      logged.push(serializeLog(kong).gantry.config_version);
    },
  }),
};

const SERVICE_ID = testId(0xfff);
const ROUTE: Entity = makeRoute({ paths: ['/p'], service: { id: SERVICE_ID } });
let server: Server;
let base: string;
const forwarded: ForwardRequest[] = [];

beforeAll(async () => {
  const router = new Router();
  router.load([ROUTE], []);
  const plugins = new PluginRuntime(new PluginCatalog([moody]), testEnvironment());
  plugins.load([
    {
      id: testId(1),
      name: 'moody',
      config: {},
      enabled: true,
      protocols: ['http'],
      route: null,
      service: null,
      consumer: null,
    },
  ]);
  // Only what the pipeline reads; the forwarder answers 200 itself and runs the response hooks.
  const fake = {
    get version() {
      return plane.version;
    },
    router,
    plugins,
    services: {
      get: () => ({
        entity: { id: SERVICE_ID },
        host: 'upstream.test',
        path: null,
        label: 'svc',
        direct: () => ({}),
        forwarder: {
          forward(_req: unknown, res: import('node:http').ServerResponse, request: ForwardRequest) {
            forwarded.push(request);
            const headers = { 'content-type': 'text/plain' };
            request.responseHooks?.headers(200, headers, true);
            res.writeHead(200, headers);
            res.end('upstream');
          },
        },
      }),
    },
    balancers: { byName: () => undefined },
    onVersion: () => () => undefined,
  } as unknown as DataPlane;
  const dataPlane = fake;
  const logger = pino({ level: 'silent' });
  const pipeline = new RequestPipeline(
    dataPlane,
    new KongErrors('gantry/test'),
    TrustedProxies.none(),
    new ProxyMetrics(),
    logger,
    'gantry/test',
    { configVersionHeader: 'X-Gantry-Config-Version' },
  );
  server = createServer(pipeline.handle);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function get(mode?: string): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${base}/p`, { headers: mode ? { 'x-mode': mode } : {} });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('RequestPipeline with plugins', () => {
  it('forwards with the plugin response headers when the chain passes', async () => {
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('upstream');
    expect(answer.headers.get('x-moody')).toBe('passed');
    expect(answer.headers.get('x-moody-response')).toBe('200');
  });

  it('answers 500 with the request id when a plugin throws, and keeps serving', async () => {
    for (const mode of ['throw', 'reject']) {
      const answer = await get(mode);
      expect(answer.status).toBe(500);
      const body = JSON.parse(answer.body) as { message: string; request_id: string };
      expect(body.message).toBe('An unexpected error occurred');
      expect(body.request_id).toBe(answer.headers.get('x-kong-request-id'));
      expect(body.request_id).toMatch(/\S/);
    }
    expect((await get()).status).toBe(200);
  });

  it('answers a PluginError with its own status and message, with the response phase run on the exit', async () => {
    const answer = await get('teapot');
    expect(answer.status).toBe(418);
    expect(JSON.parse(answer.body)).toMatchObject({ message: 'short and stout' });
    expect(answer.headers.get('x-moody-response')).toBe('418');
    expect(answer.headers.get('x-kong-response-latency')).toMatch(/^\d+$/);
  });
});

describe('RequestPipeline: the config version that served a request', () => {
  it('is read when the request is routed: the response header and the log record carry it', async () => {
    logged.length = 0;
    plane.version = 41;
    const answer = await get();
    expect(answer.headers.get('x-gantry-config-version')).toBe('41');
    await eventually(() => logged.length === 1);
    expect(logged).toEqual([41]);
  });

  it('stays the routing-time version when an event is applied while the request is in flight', async () => {
    logged.length = 0;
    plane.version = 50;
    const answer = await get('apply');
    expect(plane.version).toBe(51);
    expect(answer.headers.get('x-gantry-config-version')).toBe('50');
    await eventually(() => logged.length === 1);
    expect(logged).toEqual([50]);
    expect((await get()).headers.get('x-gantry-config-version')).toBe('51');
  });

  it('is on answers no route produced', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-gantry-config-version')).toBe(String(plane.version));
  });
});

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}
