import { parseCatalogServices } from './catalog';
import { ConsulWatchError } from './errors';
import { parseHealthService, worstHealth, type ConsulInstance } from './health';
import { mapService, targetWeight, upstreamsOf } from './mapping';
import type { ResolvedMapping } from './resolve-options';
import { ServiceTable } from './service-table';

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const mapping: ResolvedMapping = {
  tagPrefix: 'gantry.upstream',
  metaKey: 'gantry-upstream',
  byServiceName: false,
  excludeServices: new Set(['consul']),
  weightTagPrefix: 'gantry.weight',
};

function instance(extra: Partial<ConsulInstance> = {}): ConsulInstance {
  return {
    node: 'n1',
    id: 'web-1',
    service: 'web',
    kind: '',
    address: '10.0.0.1',
    port: 8080,
    tags: ['gantry.upstream=web'],
    meta: {},
    weights: { passing: 1, warning: 1 },
    health: 'passing',
    ...extra,
  };
}

describe('health', () => {
  it('takes the worst check; maintenance and unknown statuses are critical; no check is passing', () => {
    expect(worstHealth([])).toBe('passing');
    expect(worstHealth(['passing', 'warning'])).toBe('warning');
    expect(worstHealth(['warning', 'critical', 'passing'])).toBe('critical');
    expect(worstHealth(['maintenance'])).toBe('critical');
  });

  it('parses health entries, falling back to the node address and Consul default weights', () => {
    const [parsed] = parseHealthService('web', [
      {
        Node: { Node: 'n1', Address: '10.1.1.1' },
        Service: { ID: 'w1', Service: 'web', Address: '', Port: 80, Tags: null, Meta: null },
        Checks: [{ Status: 'passing' }, { Status: 'warning', ServiceID: 'w1' }],
      },
    ]);
    expect(parsed).toEqual({
      node: 'n1',
      id: 'w1',
      service: 'web',
      kind: '',
      address: '10.1.1.1',
      port: 80,
      tags: [],
      meta: {},
      weights: { passing: 1, warning: 1 },
      health: 'warning',
    });
  });

  it('refuses bodies of another shape', () => {
    expect(() => parseHealthService('web', {})).toThrow(ConsulWatchError);
    expect(thrown(() => parseHealthService('web', {}))).toMatchObject({ code: 'GANTRY_CONSUL_BAD_RESPONSE' });
    expect(() => parseHealthService('web', [{ Node: {}, Service: {} }])).toThrow(/lacks/);
    expect(() => parseCatalogServices([])).toThrow(/object/);
    expect(() => parseCatalogServices({ web: 'x' })).toThrow(/tags/);
    expect(parseCatalogServices({ web: null, api: ['a'] })).toEqual(
      new Map([
        ['web', []],
        ['api', ['a']],
      ]),
    );
  });
});

describe('mapping', () => {
  it('maps by every upstream tag and the meta list, else by the service name when asked', () => {
    const i = instance({
      tags: ['gantry.upstream=a', 'gantry.upstream=b', 'gantry.upstream='],
      meta: { 'gantry-upstream': 'c, a' },
    });
    expect(upstreamsOf(i, mapping)).toEqual(['a', 'b', 'c']);
    expect(upstreamsOf(instance({ tags: [] }), mapping)).toEqual([]);
    expect(upstreamsOf(instance({ tags: [] }), { ...mapping, byServiceName: true })).toEqual(['web']);
    expect(upstreamsOf(i, { ...mapping, tagPrefix: null, metaKey: null, byServiceName: true })).toEqual(['web']);
  });

  it('turns Consul weights into target weights, clamped to Kong range, with the tag override', () => {
    expect(targetWeight(instance({ weights: { passing: 70_000, warning: 1 } }), mapping)).toBe(65_535);
    expect(targetWeight(instance({ weights: { passing: -3, warning: 1 } }), mapping)).toBe(0);
    expect(targetWeight(instance({ weights: { passing: 5, warning: 2 }, health: 'warning' }), mapping)).toBe(2);
    const tagged = instance({
      tags: ['gantry.upstream=web', 'gantry.weight=100'],
      weights: { passing: 4, warning: 1 },
    });
    expect(targetWeight(tagged, mapping)).toBe(100);
    expect(targetWeight({ ...tagged, health: 'warning' }, mapping)).toBe(25);
    expect(targetWeight(tagged, { ...mapping, weightTagPrefix: null })).toBe(4);
    expect(targetWeight(instance({ tags: ['gantry.weight=lots'] }), mapping)).toBe(1);
  });

  it('keeps healthy, routable backends only', () => {
    const mapped = mapService(
      [
        instance({ id: 'ok' }),
        instance({ id: 'v6', address: 'fd00::1' }),
        instance({ id: 'warn', health: 'warning' }),
        instance({ id: 'down', health: 'critical' }),
        instance({ id: 'proxy', kind: 'connect-proxy' }),
        instance({ id: 'noport', port: 0 }),
        instance({ id: 'odd', node: 'rack 1/a,b' }),
      ],
      mapping,
      false,
    );
    expect(mapped.unroutable).toBe(1);
    expect(mapped.targets.map((t) => [t.target, t.tags[1]])).toEqual([
      ['10.0.0.1:8080', 'consul-node:n1'],
      ['[fd00::1]:8080', 'consul-node:n1'],
      ['10.0.0.1:8080', 'consul-node:rack_1_a_b'],
    ]);
    expect(mapService([instance({ health: 'warning' })], mapping, true).targets).toHaveLength(1);
  });
});

describe('ServiceTable', () => {
  const t = (upstream: string, target: string, weight = 1) => ({ upstream, target, weight, tags: [] });

  it('reports only the upstreams whose complete list changed', () => {
    const table = new ServiceTable({});
    expect(table.set('web', { targets: [t('a', '1.1.1.1:80'), t('b', '1.1.1.1:80')], unroutable: 0 })).toEqual([
      'a',
      'b',
    ]);
    expect(table.set('canary', { targets: [t('a', '2.2.2.2:80')], unroutable: 0 })).toEqual(['a']);
    expect(table.set('web', { targets: [t('a', '1.1.1.1:80'), t('b', '1.1.1.1:80')], unroutable: 0 })).toEqual([]);
    expect(table.set('web', { targets: [t('a', '1.1.1.1:80', 3)], unroutable: 0 })).toEqual(['a', 'b']);
    expect(table.upstream('a').targets.map((x) => x.target)).toEqual(['2.2.2.2:80', '1.1.1.1:80']);
    expect(table.upstream('b')).toEqual({ name: 'b', targets: [], create: {} });
    expect(table.snapshot().map((u) => u.name)).toEqual(['a']);
    expect(table.remove('canary')).toEqual(['a']);
    expect(table.remove('canary')).toEqual([]);
    expect([table.serviceCount, table.targetCount, table.upstreamCount]).toEqual([1, 1, 1]);
  });
});
