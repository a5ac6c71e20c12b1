/** The parameters of an `hmac username="…", algorithm="…", headers="…", signature="…"` value. */
export interface HmacParams {
  readonly username: string;
  readonly algorithm: string;
  /** The signed header names, split on single spaces as Kong does (so doubled spaces give empty names). */
  readonly headers: readonly string[];
  readonly signature: string;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

const PREFIX = /[Hh]mac\s*username="/;
const ALGORITHM = /",\s*algorithm="/g;
const HEADERS = /",\s*headers="/g;
const SIGNATURE = /",\s*signature="/g;

/**
 * Reads the value the way Kong's pattern
 * `\s*[Hh]mac\s*username="(.+)",\s*algorithm="(.+)",\s*headers="(.+)",\s*signature="(.+)"` does, with its greedy
 * groups, but in linear time: the pattern itself backtracks polynomially on crafted input. Each group ends at
 * the last separator after which the rest can still match, which is what greedy matching picks.
 */
export function parseHmacAuthorization(value: string): HmacParams | null {
  const prefix = PREFIX.exec(value);
  if (prefix === null) return null;
  const from = prefix.index + prefix[0].length;
  const lastQuote = value.lastIndexOf('"');

  const signatures = spans(SIGNATURE, value, from).filter((s) => lastQuote > s.end);
  const headers = spans(HEADERS, value, from).filter((h) => latestFrom(signatures, h.end + 1) !== undefined);
  const algorithms = spans(ALGORITHM, value, from).filter((a) => latestFrom(headers, a.end + 1) !== undefined);

  const algorithm = latestFrom(algorithms, from + 1);
  if (algorithm === undefined) return null;
  const header = latestFrom(headers, algorithm.end + 1)!;
  const signature = latestFrom(signatures, header.end + 1)!;
  return {
    username: value.slice(from, algorithm.start),
    algorithm: value.slice(algorithm.end, header.start),
    headers: value.slice(header.end, signature.start).split(' '),
    signature: value.slice(signature.end, lastQuote),
  };
}

function spans(pattern: RegExp, value: string, from: number): Span[] {
  const found: Span[] = [];
  pattern.lastIndex = from;
  for (let m = pattern.exec(value); m !== null; m = pattern.exec(value)) {
    found.push({ start: m.index, end: m.index + m[0].length });
    pattern.lastIndex = m.index + 1;
  }
  return found;
}

/** The span starting last (spans are in order), if it starts at `min` or later. */
function latestFrom(list: readonly Span[], min: number): Span | undefined {
  const last = list.at(-1);
  return last !== undefined && last.start >= min ? last : undefined;
}
