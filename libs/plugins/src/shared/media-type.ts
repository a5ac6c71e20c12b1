/** A parsed media type (`type/subtype; key=value`), names lower-cased. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  /** Parameter names lower-cased, values as given (quotes removed). */
  readonly params: ReadonlyMap<string, string>;
}

// RFC 2045 tokens: US-ASCII without controls, space and separators.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*)$`,
);
const PARAM = new RegExp(`;[ \\t]*(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*")`, 'g');

/**
 * Parses a media type as Kong's `kong.tools.mime_type.parse_mime_type` does: the whole string must follow the
 * RFC 2045 grammar (a trailing `;` or a bare parameter makes it invalid). A lone `*` means `*\/*`.
 */
export function parseMediaType(text: string): MediaType | null {
  const trimmed = text.trim();
  if (trimmed === '*') return { type: '*', subtype: '*', params: new Map() };
  const m = MEDIA_TYPE.exec(trimmed);
  if (m === null) return null;
  const params = new Map<string, string>();
  for (const p of m[3].matchAll(PARAM)) {
    const raw = p[2];
    params.set(p[1].toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return { type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), params };
}

/**
 * True when `pattern` includes `actual` (Kong's `mime_type.includes`): same type or `*`, same subtype or `*`,
 * or a `*+suffix` subtype matching any subtype ending in `+suffix`. Parameters are not compared.
 */
export function mediaTypeIncludes(pattern: MediaType, actual: MediaType): boolean {
  if (pattern.type !== '*' && pattern.type !== actual.type) return false;
  if (pattern.subtype === '*' || pattern.subtype === actual.subtype) return true;
  return pattern.subtype.startsWith('*+') && actual.subtype.endsWith(pattern.subtype.slice(1));
}
