import { checkLoadResult, LoadRunError, loadSample } from './load-result';

const OK = {
  duration: 10,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  mismatches: 0,
  '2xx': 123_450,
  statusCodeStats: { '200': { count: 123_450 } },
};

describe('checkLoadResult', () => {
  it('accepts a run where every request got a 2xx', () => {
    expect(() => checkLoadResult('http://x/', OK)).not.toThrow();
  });

  it('fails on non-2xx answers, listing the status codes', () => {
    const notFound = { ...OK, non2xx: 5, '2xx': 0, statusCodeStats: { '404': { count: 5 } } };
    expect(() => checkLoadResult('http://x/', notFound)).toThrow(LoadRunError);
    expect(() => checkLoadResult('http://x/', notFound)).toThrow('5 non-2xx answers (status codes: 404×5)');
  });

  it('fails on errors, timeouts and silence', () => {
    expect(() => checkLoadResult('http://x/', { ...OK, errors: 3 })).toThrow('3 connection errors');
    expect(() => checkLoadResult('http://x/', { ...OK, timeouts: 2 })).toThrow('2 timeouts');
    expect(() => checkLoadResult('http://x/', { ...OK, '2xx': 0 })).toThrow('no 2xx answer');
  });
});

describe('loadSample', () => {
  it('divides 2xx answers by the real duration and turns µs into ms', () => {
    expect(loadSample(OK, { p50Us: 2_345, p99Us: 11_000 })).toEqual({ reqPerSec: 12_345, p50Ms: 2.345, p99Ms: 11 });
  });

  it('refuses a run of no duration', () => {
    expect(() => loadSample({ ...OK, duration: 0 }, { p50Us: 1, p99Us: 1 })).toThrow(LoadRunError);
  });
});
