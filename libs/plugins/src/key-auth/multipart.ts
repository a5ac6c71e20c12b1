/** One `multipart/form-data` part: its field name, value and where it sits in the body. */
export interface MultipartField {
  readonly name: string;
  readonly value: string;
  /** Byte range of the whole part (its delimiter line included), so it can be cut out. */
  readonly start: number;
  readonly end: number;
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const NAME = /;\s*name=(?:"([^"]*)"|([^;\s]+))/i;
const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i;

/** The boundary of a `multipart/form-data` content type, if it names one. */
export function multipartBoundary(contentType: string): string | undefined {
  const m = BOUNDARY.exec(contentType);
  return m === null ? undefined : (m[1] ?? m[2]);
}

/**
 * The named parts of a `multipart/form-data` body, in order. Parsing stops at the first malformed part, keeping
 * what came before it (a lenient reader, like the Lua multipart library Kong uses).
 */
export function multipartFields(body: Buffer, boundary: string): MultipartField[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const fields: MultipartField[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const afterDelimiter = pos + delimiter.length;
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break;
    const lineEnd = body.indexOf(CRLF, afterDelimiter);
    if (lineEnd < 0) break;
    const headersEnd = body.indexOf(HEADERS_END, lineEnd);
    if (headersEnd < 0) break;
    const valueStart = headersEnd + HEADERS_END.length;
    const valueEnd = body.indexOf(next, valueStart);
    if (valueEnd < 0) break;
    const headers = body.toString('latin1', lineEnd + CRLF.length, headersEnd);
    const name = NAME.exec(headers);
    if (name !== null) {
      fields.push({
        name: name[1] ?? name[2],
        value: body.toString('utf8', valueStart, valueEnd),
        start: pos,
        end: valueEnd + CRLF.length,
      });
    }
    pos = valueEnd + CRLF.length;
  }
  return fields;
}
