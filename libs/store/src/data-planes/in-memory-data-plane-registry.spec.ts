import { StoreInvalidError } from '../errors';
import type { DataPlaneReportInput } from './data-plane-registry';
import { InMemoryDataPlaneRegistry } from './in-memory-data-plane-registry';

function report(id: string, overrides: Partial<DataPlaneReportInput> = {}): DataPlaneReportInput {
  return {
    id,
    hostname: 'host-a',
    ip: '10.0.0.1',
    version: '0.1.0',
    config_version: 7,
    config_hash: 'abc',
    lag: 0,
    status: 'ready',
    upstream_health: {
      u1: {
        healthy: true,
        targets: {
          t1: {
            target: '10.1.0.1:80',
            health: 'HEALTHY',
            addresses: [{ ip: '10.1.0.1', port: 80, health: 'HEALTHY' }],
          },
        },
      },
    },
    ...overrides,
  };
}

describe('InMemoryDataPlaneRegistry', () => {
  let clock = 1_700_000_000_500;
  const now = () => clock;

  it('stores reports, stamps last_seen in epoch seconds and lists them sorted by id', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now });
    await registry.report(report('b'));
    await registry.report(report('a', { status: 'catching_up', lag: 3 }));
    await registry.report(report('B'));
    const listed = await registry.list();
    expect(listed.map((r) => r.id)).toEqual(['B', 'a', 'b']);
    expect(listed[1]).toEqual({ ...report('a', { status: 'catching_up', lag: 3 }), last_seen: 1_700_000_000 });
  });

  it('replaces a replica report and refreshes last_seen', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now });
    await registry.report(report('a'));
    clock += 5_000;
    await registry.report(report('a', { config_version: 8, status: 'degraded' }));
    const listed = await registry.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ config_version: 8, status: 'degraded', last_seen: Math.floor(clock / 1000) });
  });

  it('hands out copies, so callers cannot change what others read', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now });
    const input = report('a');
    await registry.report(input);
    (input.upstream_health.u1 as { healthy: boolean }).healthy = false;
    const first = await registry.list();
    (first[0] as { hostname: string }).hostname = 'changed';
    const second = await registry.list();
    expect(second[0].hostname).toBe('host-a');
    expect(second[0].upstream_health.u1.healthy).toBe(true);
  });

  it('removes a replica; removing an unknown one is fine', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now });
    await registry.report(report('a'));
    await registry.report(report('b'));
    await registry.remove('a');
    await registry.remove('nobody');
    expect((await registry.list()).map((r) => r.id)).toEqual(['b']);
  });

  it('forgets a replica that has not reported within the TTL', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now, ttlSeconds: 60 });
    await registry.report(report('old'));
    clock += 30_000;
    await registry.report(report('new'));
    clock += 30_000;
    expect((await registry.list()).map((r) => r.id)).toEqual(['new']);
  });

  it('refuses invalid reports and options with StoreInvalidError', async () => {
    const registry = new InMemoryDataPlaneRegistry({ now });
    await expect(registry.report(report(''))).rejects.toThrow(StoreInvalidError);
    await expect(registry.report(report('x'.repeat(257)))).rejects.toThrow(/id must be/);
    await expect(registry.report(report('a', { status: 'gone' as never }))).rejects.toThrow(/status must be/);
    await expect(registry.report(report('a', { lag: -1 }))).rejects.toThrow(/lag must be/);
    await expect(registry.report(report('a', { config_version: 1.5 }))).rejects.toThrow(/config_version/);
    await expect(registry.report(report('a', { ip: 5 as never }))).rejects.toThrow(/ip must be a string/);
    await expect(registry.report(report('a', { upstream_health: [] as never }))).rejects.toThrow(/upstream_health/);
    expect(() => new InMemoryDataPlaneRegistry({ ttlSeconds: 0 })).toThrow(StoreInvalidError);
    expect(await registry.list()).toEqual([]);
  });
});
