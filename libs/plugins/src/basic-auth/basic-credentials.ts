import { decodeBase64Nginx } from '../shared/base64';

/** A username and password as a client sent them. */
export interface GivenCredentials {
  readonly username: string;
  readonly password: string;
}

// Kong's pattern is unanchored, so leading whitespace needs no term of its own (and one would backtrack).
const BASIC = /[Bb]asic\s*(.+)/;

/**
 * Reads `Basic <base64 user:password>` the way Kong does: the scheme may appear anywhere in the value, the
 * username is the first run of characters without a colon, and the password is the rest of that line.
 */
export function parseBasicAuthorization(value: string): GivenCredentials | null {
  const m = BASIC.exec(value);
  if (m === null) return null;
  const decoded = decodeBase64Nginx(m[1]);
  if (decoded === null) return null;
  const text = decoded.toString('utf8');
  let start = 0;
  while (start < text.length && text[start] === ':') start++;
  const colon = text.indexOf(':', start);
  if (start === text.length || colon < 0) return null;
  const rest = text.slice(colon + 1);
  const newline = rest.indexOf('\n');
  return { username: text.slice(start, colon), password: newline < 0 ? rest : rest.slice(0, newline) };
}
