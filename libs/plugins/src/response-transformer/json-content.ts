import { mediaTypeIncludes, parseMediaType, type MediaType } from '../shared/media-type';

const JSON_TYPES: readonly MediaType[] = [
  { type: 'application', subtype: 'json', params: new Map() },
  { type: 'application', subtype: '*+json', params: new Map() },
];

function isJson(contentType: string): boolean {
  for (const part of contentType.split(',')) {
    const media = parseMediaType(part);
    if (media !== null && JSON_TYPES.some((t) => mediaTypeIncludes(t, media))) return true;
  }
  return false;
}

/**
 * Kong's `is_json_body`: some comma-separated entry of Content-Type is a well-formed `application/json` or
 * `application/*+json` media type. Remembers the last answer: responses of a route mostly share one type.
 */
export class JsonContentTest {
  private lastType: string | undefined;
  private lastAnswer = false;

  test(contentType: string | string[] | undefined): boolean {
    const value = Array.isArray(contentType) ? contentType[0] : contentType;
    if (value === undefined) return false;
    if (value !== this.lastType) {
      this.lastAnswer = isJson(value);
      this.lastType = value;
    }
    return this.lastAnswer;
  }
}
