interface Part {
  readonly name: string | null;
  /** The part's header lines, without the blank line ending them. */
  readonly head: string;
  value: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i;
const DISPOSITION_NAME = /^content-disposition:[^\r\n]*?;\s*name=(?:"([^"]*)"|([^;\s]+))/im;

/** The boundary a `multipart/form-data` content type names, if any. */
export function boundaryOf(contentType: string): string | null {
  const m = BOUNDARY.exec(contentType);
  return m === null ? null : (m[1] ?? m[2]);
}

/**
 * A `multipart/form-data` body as the Lua `multipart` library Kong uses sees it: parts in order, found by
 * field name; untouched parts are written back byte for byte.
 */
export class MultipartBody {
  private constructor(
    private readonly boundary: string,
    private readonly parts: Part[],
  ) {}

  static empty(boundary: string): MultipartBody {
    return new MultipartBody(boundary, []);
  }

  /** Null when the body has no part delimited by `boundary` (it is then left alone). */
  static parse(body: Buffer, boundary: string): MultipartBody | null {
    const delimiter = Buffer.from(`--${boundary}`);
    const next = Buffer.from(`\r\n--${boundary}`);
    const parts: Part[] = [];
    let pos = body.indexOf(delimiter);
    if (pos < 0) return null;
    for (;;) {
      const after = pos + delimiter.length;
      if (body[after] === 0x2d && body[after + 1] === 0x2d) break;
      const lineEnd = body.indexOf(CRLF, after);
      if (lineEnd < 0) break;
      const headStart = lineEnd + CRLF.length;
      const headEnd = body.indexOf(HEAD_END, lineEnd);
      const end = body.indexOf(next, headStart);
      if (end < 0) break;
      // A part without headers has its blank line right after the delimiter line.
      const hasHead = headEnd >= 0 && headEnd < end;
      const head = hasHead ? body.toString('latin1', headStart, headEnd) : '';
      const valueStart = hasHead ? headEnd + HEAD_END.length : headStart + CRLF.length;
      const m = DISPOSITION_NAME.exec(head);
      parts.push({ name: m === null ? null : (m[1] ?? m[2]), head, value: body.subarray(valueStart, end) });
      pos = end + CRLF.length;
    }
    return new MultipartBody(boundary, parts);
  }

  has(name: string): boolean {
    return this.parts.some((p) => p.name === name);
  }

  get(name: string): Buffer | undefined {
    return this.parts.find((p) => p.name === name)?.value;
  }

  /** Replaces the value of the first part with that name (keeping its headers), or appends a plain field. */
  setSimple(name: string, value: Buffer | string): void {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    const part = this.parts.find((p) => p.name === name);
    if (part !== undefined) part.value = bytes;
    else this.parts.push({ name, head: `Content-Disposition: form-data; name="${name}"`, value: bytes });
  }

  delete(name: string): void {
    for (let i = this.parts.length - 1; i >= 0; i--) if (this.parts[i].name === name) this.parts.splice(i, 1);
  }

  toBuffer(): Buffer {
    const chunks: Buffer[] = [];
    for (const part of this.parts) {
      const head = part.head === '' ? '' : `${part.head}\r\n`;
      chunks.push(Buffer.from(`--${this.boundary}\r\n${head}\r\n`, 'latin1'), part.value, CRLF);
    }
    chunks.push(Buffer.from(`--${this.boundary}--\r\n`, 'latin1'));
    return Buffer.concat(chunks);
  }
}
