import { describe, expect, it } from '@jest/globals';
import type { AppliedChange, Entity } from '@gantry/config';
import { testEnvironment, testRequest } from '../testing/plugin-harness';
import { PluginCatalog } from './plugin-catalog';
import type { PluginDefinition, PluginHandler } from './plugin-definition';
import type { PluginRequest } from './plugin-request';
import { PluginRuntime } from './plugin-runtime';

const ROUTE = 'r0000000-0000-4000-8000-000000000001';
const OTHER_ROUTE = 'r0000000-0000-4000-8000-000000000002';
const SERVICE = 's0000000-0000-4000-8000-000000000001';
const CONSUMER = 'c0000000-0000-4000-8000-000000000001';

/** A plugin that records its name and config `tag` into `kong.shared.trace`. */
function tracer(
  name: string,
  priority: number,
  extra: Partial<PluginHandler> = {},
): PluginDefinition<{ tag?: string }> {
  return {
    name,
    priority,
    version: '1.0.0',
    schema: { fields: [['config', { type: 'record', fields: [['tag', { type: 'string' }]] }]] },
    create: (config) => ({
      access(kong: PluginRequest) {
        ((kong.shared.trace ??= []) as string[]).push(`${name}:${config.tag ?? ''}`);
      },
      ...extra,
    }),
  };
}

let seq = 0;
function plugin(
  name: string,
  tag: string,
  scope: { route?: string; service?: string; consumer?: string } = {},
  extra: Partial<Entity> = {},
): Entity {
  seq++;
  return {
    id: `p0000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name,
    config: { tag },
    route: scope.route ? { id: scope.route } : null,
    service: scope.service ? { id: scope.service } : null,
    consumer: scope.consumer ? { id: scope.consumer } : null,
    enabled: true,
    protocols: ['http', 'https'],
    ...extra,
  };
}

function runtimeWith(...definitions: PluginDefinition<never>[]): PluginRuntime {
  return new PluginRuntime(new PluginCatalog(definitions), testEnvironment());
}

async function trace(
  runtime: PluginRuntime,
  routeId: string,
  serviceId: string | null,
  consumer?: Entity,
): Promise<string[]> {
  const chain = runtime.chainFor(routeId, serviceId);
  if (chain === null) return [];
  const kong = testRequest();
  if (consumer) kong.authenticate(consumer, null);
  await chain.access(kong);
  return (kong.shared.trace as string[] | undefined) ?? [];
}

describe('PluginRuntime', () => {
  it('runs plugins by priority, highest first', async () => {
    const runtime = runtimeWith(tracer('low', 10), tracer('high', 1000), tracer('mid', 500));
    runtime.load([plugin('low', 'g'), plugin('high', 'g'), plugin('mid', 'g')]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['high:g', 'mid:g', 'low:g']);
  });

  it('picks the most specific scope without a consumer: route+service, route, service, global', async () => {
    const runtime = runtimeWith(tracer('p', 1));
    const global = plugin('p', 'global');
    const service = plugin('p', 'service', { service: SERVICE });
    const route = plugin('p', 'route', { route: ROUTE });
    const both = plugin('p', 'route+service', { route: ROUTE, service: SERVICE });
    runtime.load([global, service, route, both]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['p:route+service']);
    expect(await trace(runtime, OTHER_ROUTE, SERVICE)).toEqual(['p:service']);
    expect(await trace(runtime, OTHER_ROUTE, null)).toEqual(['p:global']);
    runtime.apply([{ op: 'delete', kind: 'plugins', key: both.id, before: both, after: null }]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['p:route']);
  });

  it('prefers consumer-scoped configs once the consumer is known, most specific first', async () => {
    const runtime = runtimeWith(tracer('p', 1));
    const consumer = { id: CONSUMER, username: 'c' } as Entity;
    runtime.load([
      plugin('p', 'global'),
      plugin('p', 'consumer', { consumer: CONSUMER }),
      plugin('p', 'service+consumer', { service: SERVICE, consumer: CONSUMER }),
      plugin('p', 'route+consumer', { route: ROUTE, consumer: CONSUMER }),
    ]);
    expect(await trace(runtime, ROUTE, SERVICE, consumer)).toEqual(['p:route+consumer']);
    expect(await trace(runtime, OTHER_ROUTE, SERVICE, consumer)).toEqual(['p:service+consumer']);
    expect(await trace(runtime, OTHER_ROUTE, null, consumer)).toEqual(['p:consumer']);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['p:global']);
  });

  it('skips disabled plugins and plugins whose protocols exclude the request', async () => {
    const runtime = runtimeWith(tracer('a', 2), tracer('b', 1));
    runtime.load([plugin('a', 'x', {}, { enabled: false }), plugin('b', 'x', {}, { protocols: ['https'] })]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual([]);
  });

  it('waits for asynchronous handlers and stops at an exit', async () => {
    const slow = tracer('slow', 3, {
      async access(kong: PluginRequest) {
        await new Promise((resolve) => setImmediate(resolve));
        ((kong.shared.trace ??= []) as string[]).push('slow');
        kong.exit(429, { message: 'stop' });
      },
    });
    const runtime = runtimeWith(slow, tracer('after', 1));
    runtime.load([plugin('slow', ''), plugin('after', '')]);
    const kong = testRequest();
    const pending = runtime.chainFor(ROUTE, SERVICE)!.access(kong);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(kong.shared.trace).toEqual(['slow']);
    expect(kong.exited?.status).toBe(429);
  });

  it('returns no promise when every handler is synchronous', () => {
    const runtime = runtimeWith(tracer('a', 1));
    runtime.load([plugin('a', '')]);
    expect(runtime.chainFor(ROUTE, SERVICE)!.access(testRequest())).toBeUndefined();
  });

  it('fails closed when an instance cannot be created', () => {
    const broken: PluginDefinition<never> = {
      ...tracer('broken', 1),
      create: () => {
        throw new Error('cannot');
      },
    };
    const runtime = runtimeWith(broken);
    runtime.load([plugin('broken', '')]);
    expect(() => runtime.chainFor(ROUTE, SERVICE)!.access(testRequest())).toThrow(
      "plugin 'broken' could not be created",
    );
  });

  it('re-makes an instance on update and closes the old one', async () => {
    const closed: string[] = [];
    const definition: PluginDefinition<{ tag?: string }> = {
      ...tracer('p', 1),
      create: (config) => ({
        access: (kong: PluginRequest) => void ((kong.shared.trace ??= []) as string[]).push(config.tag ?? ''),
        close: () => void closed.push(config.tag ?? ''),
      }),
    };
    const runtime = runtimeWith(definition);
    const v1 = plugin('p', 'v1');
    runtime.load([v1]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['v1']);
    const v2 = { ...v1, config: { tag: 'v2' } };
    const change: AppliedChange = { op: 'update', kind: 'plugins', key: v1.id, before: v1, after: v2 };
    runtime.apply([change]);
    expect(await trace(runtime, ROUTE, SERVICE)).toEqual(['v2']);
    expect(closed).toEqual(['v1']);
  });

  it('has no chain for routes without plugins, and a global rewrite chain only for rewrite handlers', () => {
    const runtime = runtimeWith(tracer('a', 1), tracer('rw', 2, { rewrite: () => undefined }));
    expect(runtime.chainFor(ROUTE, SERVICE)).toBeNull();
    runtime.load([plugin('a', '', { route: OTHER_ROUTE })]);
    expect(runtime.chainFor(ROUTE, SERVICE)).toBeNull();
    expect(runtime.rewrite()).toBeNull();
    runtime.apply([{ op: 'create', kind: 'plugins', key: 'x', before: null, after: plugin('rw', '') }]);
    expect(runtime.rewrite()?.size).toBe(1);
  });
});
