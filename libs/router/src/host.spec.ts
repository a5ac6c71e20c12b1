import { compileHost, hostMatches, splitHostPort } from './host';

describe('splitHostPort', () => {
  it.each([
    ['example.com', 'example.com', null],
    ['example.com:8080', 'example.com', 8080],
    ['example.com:', 'example.com', null],
    ['[::1]:8000', '::1', 8000],
    ['[::1]', '::1', null],
    ['::1', '::1', null],
    ['host:abc', 'host:abc', null],
  ])('%j', (input, name, port) => {
    expect(splitHostPort(input)).toEqual({ name, port });
  });
});

describe('host rules', () => {
  it('compiles exact, leading and trailing wildcards, with and without port, lower-cased', () => {
    expect(compileHost('API.Example.com')).toEqual({
      kind: 'exact',
      value: 'API.Example.com',
      name: 'api.example.com',
      port: null,
    });
    expect(compileHost('*.example.com')).toMatchObject({ kind: 'suffix', name: '.example.com', port: null });
    expect(compileHost('example.*:8443')).toMatchObject({ kind: 'prefix', name: 'example.', port: 8443 });
  });

  it('a wildcard stands for at least one character, dots included', () => {
    const suffix = compileHost('*.example.com');
    expect(hostMatches(suffix, 'a.example.com', 80)).toBe(true);
    expect(hostMatches(suffix, 'a.b.example.com', 80)).toBe(true);
    expect(hostMatches(suffix, '.example.com', 80)).toBe(false);
    expect(hostMatches(suffix, 'example.com', 80)).toBe(false);
    const prefix = compileHost('example.*');
    expect(hostMatches(prefix, 'example.org', 80)).toBe(true);
    expect(hostMatches(prefix, 'example.co.uk', 80)).toBe(true);
    expect(hostMatches(prefix, 'example.', 80)).toBe(false);
  });

  it('a rule with a port compares it with the request port (the scheme default when absent)', () => {
    const rule = compileHost('example.com:8080');
    expect(hostMatches(rule, 'example.com', 8080)).toBe(true);
    expect(hostMatches(rule, 'example.com', 80)).toBe(false);
    expect(hostMatches(compileHost('example.com'), 'example.com', 1234)).toBe(true);
  });
});
