import { schemaViolation } from '../errors/factories';
import type { KongError } from '../errors/kong-error';
import { validateEntity } from '../schema/validate';
import { routeSchema } from './route';

function violation(input: unknown): KongError {
  const r = validateEntity(routeSchema, input);
  if (r.ok) throw new Error('expected a violation');
  return schemaViolation(r.errors);
}

function isValid(input: unknown): boolean {
  return validateEntity(routeSchema, input).ok;
}

describe('route regexes that could block the event loop', () => {
  it('refuses a catastrophic regex path, naming the field', () => {
    const error = violation({ paths: ['/ok', '~/(a+)+$'] });
    expect(error.message).toBe(
      "schema violation (paths.2: invalid regex: '/(a+)+$' (may backtrack catastrophically; exponential worst-case time))",
    );
    expect(error.fields).toEqual({
      paths: [null, "invalid regex: '/(a+)+$' (may backtrack catastrophically; exponential worst-case time)"],
    });
  });

  it('accepts quadratic backtracking (bounded by the router’s subject length) and refuses steeper', () => {
    expect(isValid({ paths: ['~/api/(.*)/items/(.*)$', '~/(.*)(.*)x'] })).toBe(true);
    expect(violation({ paths: ['~/(.*)(.*)(.*)x'] }).message).toContain('3rd degree polynomial worst-case time');
  });

  it('accepts the usual safe regexes, judged anchored as the router runs them', () => {
    expect(
      isValid({ paths: ['~/users/(?<id>\\d+)/posts$', '~/api/([^/]*)/items/(.*)', '~/static/.*\\.(png|jpg)$'] }),
    ).toBe(true);
  });

  it('checks ~* header values the same way', () => {
    expect(isValid({ headers: { 'x-agent': ['plain(a+)+', '~*^mobile-\\d+'] } })).toBe(true);
    expect(violation({ headers: { 'x-agent': ['~*(a|a)*b'] } }).message).toContain(
      "invalid regex: '(a|a)*b' (may backtrack catastrophically; exponential worst-case time)",
    );
    expect(violation({ headers: { 'x-agent': ['~*(unclosed'] } }).message).toContain("invalid regex: '(unclosed'");
  });
});

describe('backtrackingRisk', () => {
  afterEach(() => jest.dontMock('recheck'));

  it('treats an unknown verdict as a refusal, with a clear message, and caches verdicts', () => {
    const checkSync = jest.fn(() => ({ source: 'x', flags: 'uy', status: 'unknown', error: { kind: 'timeout' } }));
    jest.isolateModules(() => {
      jest.doMock('recheck', () => ({ checkSync }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { backtrackingRisk, REGEX_CHECK_TIMEOUT_MS } = require('./regex-safety') as typeof import('./regex-safety');
      const expected = `could not be proven safe from catastrophic backtracking within ${REGEX_CHECK_TIMEOUT_MS} ms; simplify it`;
      expect(backtrackingRisk('/slow', 'uy')).toBe(expected);
      expect(backtrackingRisk('/slow', 'uy')).toBe(expected);
      expect(checkSync).toHaveBeenCalledTimes(1);
      expect(checkSync).toHaveBeenCalledWith('/slow', 'uy', { timeout: REGEX_CHECK_TIMEOUT_MS });
    });
  });
});
