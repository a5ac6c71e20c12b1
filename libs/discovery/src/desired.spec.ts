import { normalizeDesired } from './desired';
import { InvalidDesiredError, InvalidSourceError } from './errors';
import { checkSourceId, ownerTag } from './source';
import { checkUpstreamDefaults } from './upstream-defaults';

describe('normalizeDesired', () => {
  it('normalises addresses, merges duplicates (highest weight, all tags) and keeps create defaults', () => {
    const [orders] = normalizeDesired({
      reason: 'r',
      upstreams: [
        {
          name: 'orders',
          create: { algorithm: 'latency' },
          targets: [
            { target: '10.0.0.1', weight: 10, tags: ['b'] },
            { target: '10.0.0.1:8000', weight: 5, tags: ['a', 'b'] },
            { target: '::1', weight: 1 },
          ],
        },
      ],
    });
    expect([...orders.targets]).toEqual([
      ['10.0.0.1:8000', { weight: 10, tags: ['a', 'b'] }],
      ['[::1]:8000', { weight: 1, tags: [] }],
    ]);
    expect(orders.create).toEqual({ algorithm: 'latency' });
  });

  it.each([
    [{ reason: ' ', upstreams: [] }, /reason/],
    [{ reason: 'r', upstreams: {} }, /upstreams must be an array/],
    [{ reason: 'r', upstreams: [{ name: '', targets: [] }] }, /non-empty name/],
    [{ reason: 'r', upstreams: [{ name: 'u', targets: [{ target: 'a', weight: '1' }] }] }, /weight/],
    [{ reason: 'r', upstreams: [{ name: 'u', targets: [{ target: 'a', weight: 1, tags: 'x' }] }] }, /tags/],
    [{ reason: 'r', upstreams: [{ name: 'u', targets: [], create: [] }] }, /create/],
  ])('refuses a bad shape: %j', (input: unknown, message: RegExp) => {
    expect(() => normalizeDesired(input as never)).toThrow(InvalidDesiredError);
    expect(() => normalizeDesired(input as never)).toThrow(message);
  });
});

describe('source ids and owner tags', () => {
  it('builds the owner tag from a valid id', () => {
    expect(ownerTag('consul:dc1')).toBe('discovery:consul:dc1');
    expect(ownerTag('k8s:prod-eu.cluster_1')).toBe('discovery:k8s:prod-eu.cluster_1');
  });

  it.each(['consul', 'consul:', 'Consul:dc1', 'k8s:a/b', 'k8s:a,b', 'k8s:a b', `k8s:${'x'.repeat(200)}`])(
    'refuses %j',
    (id) => {
      expect(() => checkSourceId(id)).toThrow(InvalidSourceError);
      expect(() => checkSourceId(id)).toThrow(/expected <kind>:<name>/);
    },
  );
});

describe('checkUpstreamDefaults', () => {
  it('accepts what POST /upstreams accepts and explains what it refuses', () => {
    expect(checkUpstreamDefaults({ algorithm: 'least-connections', healthchecks: { active: { timeout: 2 } } })).toBe(
      undefined,
    );
    expect(checkUpstreamDefaults({ algorithm: 'random' })).toMatch(/algorithm/);
    expect(checkUpstreamDefaults({ hash_on: 'header' })).toMatch(/hash_on_header/);
    expect(checkUpstreamDefaults({ name: 'x' })).toMatch(/name/);
  });
});
