import { isFilterError, parseAuditFilter, parseTime } from './audit-filter';

const parse = (query: string) => {
  const params = new URLSearchParams(query);
  return parseAuditFilter((name) => params.get(name));
};

describe('parseAuditFilter', () => {
  it('reads every filter', () => {
    expect(
      parse(
        'kind=key-auths&entity=orders&actor=alice&source=rollback&since=2025-01-10T00:00:00Z&until=1736553600' +
          '&from_version=3&to_version=9',
      ),
    ).toEqual({
      kind: 'keyauth_credentials',
      entity: 'orders',
      actor: 'alice',
      source: 'rollback',
      since: Date.UTC(2025, 0, 10),
      until: 1_736_553_600_000,
      fromVersion: 3,
      toVersion: 9,
    });
    expect(parse('')).toEqual({});
  });

  it.each([
    ['kind=widgets', 'kind'],
    ['source=human', 'source'],
    ['since=yesterday', 'since'],
    ['until=2025-13-45', 'until'],
    ['from_version=0', 'from_version'],
    ['to_version=1.5', 'to_version'],
    ['actor=', 'actor'],
    ['since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z', 'until'],
    ['from_version=5&to_version=4', 'to_version'],
  ])('names the field of a bad filter: %s', (query, field) => {
    const result = parse(query);
    expect(isFilterError(result) && result.field).toBe(field);
  });

  it('reads RFC 3339 offsets and fractional epoch seconds', () => {
    expect(parseTime('2025-01-10T02:00:00+02:00')).toBe(Date.UTC(2025, 0, 10));
    expect(parseTime('1736467200.5')).toBe(1_736_467_200_500);
    expect(parseTime('2025-01-10')).toBeUndefined();
  });
});
