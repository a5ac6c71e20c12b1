import { KONG_DB_UPDATE_FREQUENCY_MS, kongPollingFigures } from './kong-reference';

describe('kongPollingFigures', () => {
  it('models a wait uniform within one 5 s poll period', () => {
    expect(KONG_DB_UPDATE_FREQUENCY_MS).toBe(5_000);
    expect(kongPollingFigures()).toEqual({ p50Ms: 2_500, p99Ms: 4_950, maxMs: 5_000 });
  });

  it('scales with the period and refuses a non-positive one', () => {
    expect(kongPollingFigures(1_000)).toEqual({ p50Ms: 500, p99Ms: 990, maxMs: 1_000 });
    expect(() => kongPollingFigures(0)).toThrow(RangeError);
  });
});
