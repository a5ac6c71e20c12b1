import { regexLiteralPrefix } from './regex-prefix';

describe('regexLiteralPrefix', () => {
  it.each([
    ['/api/v1/users/(\\d+)', '/api/v1/users/'],
    ['^/api/(?<id>\\d+)', '/api/'],
    ['/files/\\d+', '/files/'],
    ['/a\\.b/c', '/a.b/c'],
    ['/ab?c', '/a'],
    ['/ab*', '/a'],
    ['/ab+', '/ab'],
    ['/ab{2}', '/a'],
    ['/a|/b', ''],
    ['/(a|b)/c', '/'],
    ['/[ab]/c', '/'],
    ['.*', ''],
    ['/x😀*', '/x'],
    ['/x😀+', '/x😀'],
    ['/plain', '/plain'],
  ])('%j -> %j', (source, expected) => {
    expect(regexLiteralPrefix(source)).toBe(expected);
  });

  it('is a prefix of every string the anchored regex matches', () => {
    const cases: [string, string[]][] = [
      ['/ab?c', ['/ac', '/abc']],
      ['/x😀*y', ['/xy', '/x😀😀y']],
      ['/(a|b)/c', ['/a/c', '/b/c']],
    ];
    for (const [source, subjects] of cases) {
      const re = new RegExp(source, 'uy');
      for (const subject of subjects) {
        re.lastIndex = 0;
        expect(re.test(subject)).toBe(true);
        expect(subject.startsWith(regexLiteralPrefix(source))).toBe(true);
      }
    }
  });
});
