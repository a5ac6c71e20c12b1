/** The value of cookie `name` in a `Cookie` header, or null. Scans in place; only the result is allocated. */
export function findCookie(header: string | string[] | undefined, name: string): string | null {
  if (header === undefined) return null;
  if (Array.isArray(header)) {
    for (const h of header) {
      const v = findCookie(h, name);
      if (v !== null) return v;
    }
    return null;
  }
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    let i = start;
    while (i < end && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
    if (header.startsWith(name, i) && header.charCodeAt(i + name.length) === 61 /* = */) {
      let value = header.slice(i + name.length + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return value;
    }
    start = end + 1;
  }
  return null;
}

function decode(text: string): string {
  const plain = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}

/**
 * The value of query argument `name` as Kong hashes it: decoded, an argument without `=` reads as "true", and
 * repeated arguments are sorted and joined with commas. Null when absent.
 */
export function findQueryArg(query: string, name: string): string | null {
  if (query === '') return null;
  let first: string | null = null;
  let more: string[] | null = null;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key !== name) continue;
    const value = eq < 0 ? 'true' : decode(pair.slice(eq + 1));
    if (first === null) first = value;
    else (more ??= [first]).push(value);
  }
  if (more !== null) return more.sort().join(',');
  return first;
}

/** A header's value as nginx reports it: repeated headers joined with ", ". */
export function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value.length === 0 ? null : value.join(', ')) : value;
}
