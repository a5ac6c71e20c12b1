/** Characters that are syntax in a `u`-mode JS regex outside a class; escaped, they stand for themselves. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/-'.split(''));
/** Characters that end the literal run when met unescaped. */
const STOP = new Set('^$.*+?()[]{}|'.split(''));

/** Whether `source` has a `|` outside any group or class, in which case no prefix is common to all its matches. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}

/**
 * The literal text every match of an anchored regex must start with, e.g. `/api/v1/users/` for
 * `/api/v1/users/(\d+)`. The router indexes regex paths under this prefix, so a request only tries the regexes
 * whose prefix its path starts with. Conservative: it stops at the first construct it does not read as a plain
 * character, and drops a character a quantifier makes optional; '' when nothing is certain.
 */
export function regexLiteralPrefix(source: string): string {
  if (hasTopLevelAlternation(source)) return '';
  let out = '';
  let i = source.startsWith('^') ? 1 : 0;
  while (i < source.length) {
    const c = source[i];
    let literal: string;
    let next: number;
    if (c === '\\') {
      const escaped = source[i + 1];
      if (escaped === undefined || !SYNTAX.has(escaped)) break;
      literal = escaped;
      next = i + 2;
    } else {
      if (STOP.has(c)) break;
      // A quantifier after an astral character applies to both of its UTF-16 units.
      literal = String.fromCodePoint(source.codePointAt(i) ?? 0);
      next = i + literal.length;
    }
    const quantifier = source[next];
    if (quantifier === '*' || quantifier === '?' || quantifier === '{') break;
    out += literal;
    if (quantifier === '+') break;
    i = next;
  }
  return out;
}
