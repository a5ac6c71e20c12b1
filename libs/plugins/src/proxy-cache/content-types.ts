import { parseMediaType, type MediaType } from '../shared/media-type';

function sameParams(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/**
 * The cacheable content types: a response's type matches an entry with the same type and subtype (either may
 * be `*` in the entry) and exactly the same parameters, so `application/json` does not match
 * `application/json; charset=utf-8` (Kong documents an exact match; parameter order and spacing do not count).
 */
export class ContentTypes {
  private readonly allowed: readonly MediaType[];
  private lastType: string | undefined;
  private lastAnswer = false;

  constructor(entries: readonly string[]) {
    this.allowed = entries.flatMap((e) => parseMediaType(e) ?? []);
  }

  /** Remembers the last answer: a route's responses mostly share one type. */
  matches(contentType: string | number | string[] | undefined): boolean {
    if (typeof contentType !== 'string' || contentType === '') return false;
    if (contentType === this.lastType) return this.lastAnswer;
    const media = parseMediaType(contentType);
    const answer =
      media !== null &&
      this.allowed.some(
        (a) =>
          (a.type === '*' || a.type === media.type) &&
          (a.subtype === '*' || a.subtype === media.subtype) &&
          sameParams(a.params, media.params),
      );
    this.lastType = contentType;
    this.lastAnswer = answer;
    return answer;
  }
}
