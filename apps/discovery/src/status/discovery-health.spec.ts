import type { ReconcilerStatus } from '@gantry/discovery';
import type { DiscoveryState, SourceState } from '../runner/discovery-runner';
import { discoveryHealth } from './discovery-health';

const reconciler = (phase: ReconcilerStatus['phase'], lastError: string | null = null) =>
  ({ phase, lastError }) as unknown as ReconcilerStatus;

function source(overrides: Partial<SourceState> = {}): SourceState {
  return {
    id: 'consul:dc1',
    running: true,
    watcher: { synced: true, lastError: null },
    reconciler: reconciler('idle'),
    ...overrides,
  };
}

const leader = (...sources: SourceState[]): DiscoveryState => ({ node: 'n1', leader: true, sources });

describe('discoveryHealth', () => {
  it('a standby is up whatever its sources say', () => {
    const state: DiscoveryState = { node: 'n1', leader: false, sources: [source({ running: false })] };
    expect(discoveryHealth(state)).toEqual({ up: true, details: { role: 'standby', sources: 1 } });
  });

  it('a leader with every source synced is up', () => {
    expect(discoveryHealth(leader(source(), source({ id: 'kubernetes:prod' })))).toEqual({
      up: true,
      details: { role: 'leader', sources: { 'consul:dc1': 'synced', 'kubernetes:prod': 'synced' } },
    });
  });

  it('names each source that is down, and why', () => {
    const health = discoveryHealth(
      leader(
        source({ watcher: { synced: false, lastError: { code: 'GANTRY_CONSUL_HTTP_STATUS', message: 'HTTP 500' } } }),
        source({ id: 'kubernetes:prod', running: false }),
        source({ id: 'consul:dc2', reconciler: reconciler('stalled', 'log unavailable') }),
        source({ id: 'consul:dc3', watcher: { synced: false, lastError: null } }),
      ),
    );
    expect(health.up).toBe(false);
    expect(health.details.message).toBe(
      'consul:dc1 not synced: HTTP 500; kubernetes:prod not running; consul:dc2 writes stalled: log unavailable; ' +
        'consul:dc3 not synced yet',
    );
  });

  it('a retrying reconciler is still up: the retry is the plan working', () => {
    expect(discoveryHealth(leader(source({ reconciler: reconciler('retrying', 'timeout') }))).up).toBe(true);
  });
});
