/** Characters Kong keeps percent-encoded (upper-cased) when it normalises a path: RFC 3986's reserved set plus `%`. */
const RESERVED = new Set("!*'();:@&=+$,/?%#[]".split('').map((c) => c.charCodeAt(0)));

const ESCAPED_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Decodes one run of consecutive escapes the way Kong does (reserved characters stay encoded, upper-cased; the
 * rest is decoded). Kong decodes to bytes; a JS string needs UTF-8, so a run of non-ASCII bytes that is not valid
 * UTF-8 is kept encoded rather than turned into replacement characters.
 */
function decodeRun(run: string): string {
  let out = '';
  let pendingBytes = '';
  const flush = (): void => {
    if (pendingBytes === '') return;
    try {
      out += decodeURIComponent(pendingBytes);
    } catch {
      out += pendingBytes.toUpperCase();
    }
    pendingBytes = '';
  };
  for (let i = 0; i < run.length; i += 3) {
    const triplet = run.slice(i, i + 3);
    const byte = parseInt(triplet.slice(1), 16);
    if (byte >= 0x80) {
      pendingBytes += triplet;
      continue;
    }
    flush();
    out += RESERVED.has(byte) ? triplet.toUpperCase() : String.fromCharCode(byte);
  }
  flush();
  return out;
}

function decodePercents(path: string): string {
  return path.replace(ESCAPED_RUN, decodeRun);
}

/** Kong's dot-segment removal with merged slashes (kong.tools.uri.normalize), on indexes rather than copies. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const n = path.length;
  let pos = 0;
  while (pos < n) {
    const rest = n - pos;
    const c1 = path[pos];
    const c2 = path[pos + 1];
    const c3 = path[pos + 2];
    if (rest === 2 && c1 === '/' && c2 === '.') {
      out.push('/');
      pos = n;
    } else if (rest === 3 && c1 === '/' && c2 === '.' && c3 === '.') {
      out.pop();
      out.push('/');
      pos = n;
    } else if ((rest === 1 && c1 === '.') || (rest === 2 && c1 === '.' && c2 === '.')) {
      pos = n;
    } else if (c1 === '.' && c2 === '.' && c3 === '/') {
      pos += 3;
    } else if (c1 === '.' && c2 === '/') {
      pos += 2;
    } else if (c1 === '/' && c2 === '.' && c3 === '/') {
      pos += 2;
    } else if (c1 === '/' && c2 === '.' && c3 === '.' && path[pos + 3] === '/') {
      pos += 3;
      out.pop();
    } else if (c1 === '/' && c2 === '/') {
      pos += 1;
    } else {
      const next = path.indexOf('/', pos + 1);
      const end = next < 0 ? n : next;
      out.push(path.slice(pos, end));
      pos = end;
    }
  }
  return out.join('');
}

/**
 * Kong 3's request path normalisation (`normalize(path, true)`), applied before any route path is compared:
 * percent-escapes of non-reserved characters are decoded, the remaining escapes upper-cased, dot segments
 * removed and repeated slashes merged. Prefix paths of routes go through the same function.
 */
export function normalizeRequestPath(path: string): string {
  if (path === '' || path === '/') return path;
  let result = path;
  if (result.includes('%')) result = decodePercents(result);
  if (result.includes('.') || result.includes('//')) result = removeDotSegments(result);
  return result;
}
