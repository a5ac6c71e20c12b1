import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** The responses Kong itself produces, by what went wrong. */
export type KongErrorKind =
  | 'bad-request'
  | 'no-route'
  | 'https-required'
  | 'unexpected'
  | 'bad-gateway'
  | 'no-peer'
  | 'name-resolution'
  | 'upstream-timeout';

interface Template {
  readonly status: number;
  readonly prefix: string;
  readonly prefixBytes: number;
  /** Header pairs Kong adds to this error besides the common ones. */
  readonly extraHeaders: readonly string[];
  readonly rawStatusLine: string;
}

const SUFFIX = '"}';
const CONTENT_TYPE = 'application/json; charset=utf-8';
/** Printable ASCII without `"` and `\`: such an id goes into the JSON body unescaped. */
const JSON_SAFE_ID = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const HEADER_SAFE_ID = /^[\x20-\x7e]*$/;

const DEFINITIONS: Record<KongErrorKind, { status: number; message: string; extraHeaders?: string[] }> = {
  'bad-request': { status: 400, message: 'Bad request' },
  'no-route': { status: 404, message: 'no Route matched with those values' },
  'https-required': {
    status: 426,
    message: 'Please use HTTPS protocol',
    extraHeaders: ['connection', 'Upgrade', 'upgrade', 'TLS/1.2, HTTP/1.1'],
  },
  unexpected: { status: 500, message: 'An unexpected error occurred' },
  'bad-gateway': { status: 502, message: 'An invalid response was received from the upstream server' },
  'no-peer': { status: 503, message: 'failure to get a peer from the ring-balancer' },
  'name-resolution': { status: 503, message: 'name resolution failed' },
  'upstream-timeout': { status: 504, message: 'The upstream server is timing out' },
};

/**
 * Writes Kong's JSON error responses (`{"message":…,"request_id":…}` with `X-Kong-Request-Id`). Shared by the
 * gateway (404, 426, 400, 500) and the forwarders (502, 503, 504). Everything but the request id is serialised
 * once, here.
 */
export class KongErrors {
  private readonly templates: Record<KongErrorKind, Template>;

  /** @param serverToken `Server` header value, e.g. `gantry/0.1.0` (Kong sends `kong/<version>`). */
  constructor(private readonly serverToken: string) {
    const templates = {} as Record<KongErrorKind, Template>;
    for (const kind of Object.keys(DEFINITIONS) as KongErrorKind[]) {
      const { status, message, extraHeaders = [] } = DEFINITIONS[kind];
      const prefix = `{"message":${JSON.stringify(message)},"request_id":"`;
      templates[kind] = Object.freeze({
        status,
        prefix,
        prefixBytes: Buffer.byteLength(prefix),
        extraHeaders: Object.freeze(extraHeaders),
        rawStatusLine: `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`,
      });
    }
    this.templates = templates;
  }

  status(kind: KongErrorKind): number {
    return this.templates[kind].status;
  }

  /** The JSON body for this error and request id. */
  body(kind: KongErrorKind, requestId: string): string {
    const template = this.templates[kind];
    if (JSON_SAFE_ID.test(requestId)) return template.prefix + requestId + SUFFIX;
    return template.prefix.slice(0, -1) + JSON.stringify(requestId) + '}';
  }

  private contentLength(template: Template, requestId: string, body: string): number {
    return JSON_SAFE_ID.test(requestId)
      ? template.prefixBytes + requestId.length + SUFFIX.length
      : Buffer.byteLength(body);
  }

  /**
   * Answers with the error. Headers already set on `res` (by plugins) are kept. When the response has already
   * started there is nothing valid left to send, so the connection is destroyed instead.
   */
  write(res: ServerResponse, kind: KongErrorKind, requestId: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (res.writableEnded || res.destroyed) return;
    const template = this.templates[kind];
    const body = this.body(kind, requestId);
    const length = this.contentLength(template, requestId, body);
    const headers = [
      'content-type',
      CONTENT_TYPE,
      'content-length',
      String(length),
      'x-kong-request-id',
      requestId,
      'server',
      this.serverToken,
      ...template.extraHeaders,
    ];
    res.writeHead(template.status, headers);
    res.end(body);
  }

  /**
   * Answers on a raw socket (an upgrade request that never reached an upstream), then closes it. Nothing is
   * written when the socket can no longer be written to.
   */
  writeRaw(socket: Duplex, kind: KongErrorKind, requestId: string): void {
    if (!socket.writable) return;
    const template = this.templates[kind];
    const body = this.body(kind, requestId);
    let head = template.rawStatusLine;
    head += `Content-Type: ${CONTENT_TYPE}\r\nContent-Length: ${this.contentLength(template, requestId, body)}\r\n`;
    // Nothing checks header values on a raw socket: an id that could break the header block is left out.
    if (HEADER_SAFE_ID.test(requestId)) head += `X-Kong-Request-Id: ${requestId}\r\n`;
    for (let i = 0; i < template.extraHeaders.length; i += 2) {
      // The socket is closed after this answer whatever Kong's header says.
      if (template.extraHeaders[i] === 'connection') continue;
      head += `${template.extraHeaders[i]}: ${template.extraHeaders[i + 1]}\r\n`;
    }
    head += `Server: ${this.serverToken}\r\nConnection: close\r\n\r\n`;
    socket.end(head + body);
  }
}
