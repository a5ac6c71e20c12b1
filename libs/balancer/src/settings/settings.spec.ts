import { healthchecksEnabled } from './healthcheck-settings';
import { parseTarget } from './target-settings';
import { parseUpstream } from './upstream-settings';
import { targetEntity, upstreamEntity, uuid } from '../testing/entities';
import { thrownCode } from '../testing/harness';

describe('parseUpstream', () => {
  it('reads Kong defaults, with checks off and a 30 s cool-down', () => {
    const s = parseUpstream(upstreamEntity(uuid(1), 'u'));
    expect(s).toMatchObject({ algorithm: 'round-robin', slots: 10000, hostHeader: null, cookie: null });
    expect(s.healthchecks).toMatchObject({ enabled: false, threshold: 0 });
    expect(s.healthchecks.passive.unhealthy.cooldownMs).toBe(30_000);
    expect(s.healthchecks.active).toMatchObject({ type: 'http', timeoutMs: 1000, concurrency: 10, httpPath: '/' });
  });

  it('defaults the cool-down for entities stored before the field existed', () => {
    const u = upstreamEntity(uuid(1), 'u');
    const hc = JSON.parse(JSON.stringify(u.healthchecks)) as { passive: { unhealthy: Record<string, unknown> } };
    delete hc.passive.unhealthy.cooldown;
    expect(parseUpstream({ ...u, healthchecks: hc as never }).healthchecks.passive.unhealthy.cooldownMs).toBe(30_000);
  });

  it("turns checks on by Kong's rule", () => {
    expect(healthchecksEnabled({ active: { healthy: { interval: 5 } } })).toBe(true);
    expect(healthchecksEnabled({ passive: { unhealthy: { timeouts: 1 } } })).toBe(true);
    expect(healthchecksEnabled({ passive: { healthy: { successes: 3 }, unhealthy: { cooldown: 10 } } })).toBe(false);
    expect(healthchecksEnabled(null)).toBe(false);
  });

  it('names the bad field', () => {
    expect(() =>
      parseUpstream({ ...upstreamEntity(uuid(1), 'u'), healthchecks: { active: { timeout: 'x' } } }),
    ).toThrow('healthchecks.active.timeout: expected a number between 0 and 65535');
    expect(() => parseUpstream({ ...upstreamEntity(uuid(1), 'u'), hash_on: 'header' })).toThrow(
      'hash_on_header: expected a non-empty string',
    );
  });

  it('probes grpc checks as tcp', () => {
    const s = parseUpstream(upstreamEntity(uuid(1), 'u', { healthchecks: { active: { type: 'grpc' } } }));
    expect(s.healthchecks.active.type).toBe('tcp');
  });
});

describe('parseTarget', () => {
  it('normalises the target string like Kong', () => {
    expect(parseTarget(targetEntity(uuid(2), uuid(1), 'example.com'))).toMatchObject({
      target: 'example.com:8000',
      host: 'example.com',
      port: 8000,
      isIp: false,
      weight: 100,
    });
    expect(parseTarget(targetEntity(uuid(2), uuid(1), '::1'))).toMatchObject({ target: '[::1]:8000', isIp: true });
  });

  it('rejects targets without an upstream', () => {
    expect(thrownCode(() => parseTarget({ ...targetEntity(uuid(2), uuid(1), 'a:1'), upstream: null }))).toBe(
      'GANTRY_BALANCER_INVALID_TARGET',
    );
  });
});
