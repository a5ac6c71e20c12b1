import { normalizeRequestPath } from './normalize-path';

describe('normalizeRequestPath (Kong 3 normalize with merged slashes)', () => {
  it.each([
    ['', ''],
    ['/', '/'],
    ['/plain/path', '/plain/path'],
    ['/a/./b/../c', '/a/c'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/../a', '/a'],
    ['/a//b///c', '/a/b/c'],
    ['/%7euser', '/~user'],
    ['/%41%62c', '/Abc'],
    ['/a%2fb', '/a%2Fb'],
    ['/a%3Fb%23c', '/a%3Fb%23c'],
    ['/%2e%2e/x', '/x'],
    ['/caf%C3%A9', '/café'],
    ['/bad%C3', '/bad%C3'],
    ['/space%20here', '/space here'],
    ['/file.json', '/file.json'],
    ['/v1.0/x', '/v1.0/x'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeRequestPath(input)).toBe(expected);
  });
});
