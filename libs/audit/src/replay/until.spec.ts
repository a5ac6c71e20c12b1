import { ReplayInvalidError } from './errors';
import { parseUntil } from './until';

describe('parseUntil', () => {
  it('reads a version or an RFC 3339 time', () => {
    expect(parseUntil('42')).toEqual({ version: 42 });
    expect(parseUntil('2025-01-31T12:00:00Z')).toEqual({ time: Date.UTC(2025, 0, 31, 12) });
    expect(parseUntil('2025-01-31T13:00:00.250+01:00')).toEqual({ time: Date.UTC(2025, 0, 31, 12, 0, 0, 250) });
  });

  it.each([
    '0',
    '-3',
    '1.5',
    'yesterday',
    '2025-01-31',
    '2025-01-31T12:00:00',
    '2025-13-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
  ])('refuses %s', (text) => {
    expect(() => parseUntil(text)).toThrow(ReplayInvalidError);
  });
});
