import type { ReportedUpstreamHealth } from '@gantry/store';
import { aggregateTarget, voteHealth, type ReplicaView } from './target-health';

describe('voteHealth', () => {
  it('is HEALTHCHECKS_OFF only when every replica has checks off', () => {
    expect(voteHealth(['HEALTHCHECKS_OFF', 'HEALTHCHECKS_OFF'])).toBe('HEALTHCHECKS_OFF');
    expect(voteHealth(['HEALTHCHECKS_OFF', 'HEALTHY'])).toBe('HEALTHY');
  });

  it('is HEALTHY on a strict majority of replicas that use the target', () => {
    expect(voteHealth(['HEALTHY', 'HEALTHY', 'UNHEALTHY'])).toBe('HEALTHY');
    expect(voteHealth(['HEALTHY', 'HEALTHCHECKS_OFF', 'DNS_ERROR'])).toBe('HEALTHY');
    expect(voteHealth(['HEALTHY'])).toBe('HEALTHY');
  });

  it('reports a tie or a minority as UNHEALTHY, or DNS_ERROR when resolution failures dominate', () => {
    expect(voteHealth(['HEALTHY', 'UNHEALTHY'])).toBe('UNHEALTHY');
    expect(voteHealth(['HEALTHY', 'UNHEALTHY', 'UNHEALTHY'])).toBe('UNHEALTHY');
    expect(voteHealth(['DNS_ERROR', 'DNS_ERROR', 'UNHEALTHY'])).toBe('DNS_ERROR');
    expect(voteHealth(['DNS_ERROR', 'UNHEALTHY'])).toBe('UNHEALTHY');
    expect(voteHealth(['something new'])).toBe('UNHEALTHY');
  });
});

function view(replicaId: string, targets: ReportedUpstreamHealth['targets']): ReplicaView {
  return { replicaId, upstream: { healthy: true, targets } };
}

describe('aggregateTarget', () => {
  it('is undefined when no replica reports the target', () => {
    expect(aggregateTarget([view('a', {})], 't1', 100)).toBeUndefined();
  });

  it('votes per target and per address, and keeps each replica verdict', () => {
    const up = (ip: string) => ({ ip, port: 80, health: 'HEALTHY' });
    const down = (ip: string) => ({ ip, port: 80, health: 'UNHEALTHY' });
    const views = [
      view('a', { t1: { target: 'svc:80', health: 'HEALTHY', addresses: [up('10.0.0.2'), up('10.0.0.1')] } }),
      view('b', { t1: { target: 'svc:80', health: 'HEALTHY', addresses: [up('10.0.0.1'), down('10.0.0.2')] } }),
      view('c', { t1: { target: 'svc:80', health: 'UNHEALTHY', addresses: [down('10.0.0.1'), down('10.0.0.2')] } }),
      view('d', {}),
    ];
    expect(aggregateTarget(views, 't1', 50)).toEqual({
      health: 'HEALTHY',
      addresses: [
        { ip: '10.0.0.1', port: 80, health: 'HEALTHY', weight: 50 },
        { ip: '10.0.0.2', port: 80, health: 'UNHEALTHY', weight: 50 },
      ],
      nodes: { a: 'HEALTHY', b: 'HEALTHY', c: 'UNHEALTHY' },
    });
  });

  it('judges an address only among the replicas that resolved it', () => {
    const views = [
      view('a', {
        t1: { target: 'svc:80', health: 'HEALTHY', addresses: [{ ip: '10.0.0.9', port: 80, health: 'HEALTHY' }] },
      }),
      view('b', { t1: { target: 'svc:80', health: 'DNS_ERROR', addresses: [] } }),
    ];
    const aggregated = aggregateTarget(views, 't1', 100);
    expect(aggregated?.health).toBe('DNS_ERROR');
    expect(aggregated?.addresses).toEqual([{ ip: '10.0.0.9', port: 80, health: 'HEALTHY', weight: 100 }]);
  });
});
