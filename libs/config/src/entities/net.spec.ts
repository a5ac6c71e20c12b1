import { normalizePath, parseAddress } from './net';
import { normalizeTarget } from './target';

describe('addresses', () => {
  it('parses hosts, ips and ports like Kong', () => {
    expect(parseAddress('example.com')).toEqual({ type: 'name', host: 'example.com' });
    expect(parseAddress('example.com:80')).toEqual({ type: 'name', host: 'example.com', port: 80 });
    expect(parseAddress('10.0.0.1:8080')).toEqual({ type: 'ipv4', host: '10.0.0.1', port: 8080 });
    expect(parseAddress('[::1]:80')).toEqual({ type: 'ipv6', host: '::1', port: 80 });
    expect(parseAddress('::1')).toEqual({ type: 'ipv6', host: '::1' });
    expect(parseAddress('a:99999')).toEqual({ error: 'invalid port number' });
    expect('error' in parseAddress('300.1.1.1')).toBe(true);
    expect('error' in parseAddress('bad_-.x-')).toBe(true);
    expect('error' in parseAddress('a b')).toBe(true);
  });

  it('normalises targets with the default port 8000', () => {
    expect(normalizeTarget('example.com')).toBe('example.com:8000');
    expect(normalizeTarget('10.0.0.1:80')).toBe('10.0.0.1:80');
    expect(normalizeTarget('::1')).toBe('[::1]:8000');
  });

  it('normalises paths', () => {
    expect(normalizePath('/a/./b/../c')).toBe('/a/c');
    expect(normalizePath('/%7euser/%2f')).toBe('/~user/%2F');
    expect(normalizePath('/plain')).toBe('/plain');
  });
});
