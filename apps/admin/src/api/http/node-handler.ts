import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminApi, AdminReply } from '../admin-api';
import type { AdminRequest } from '../types';

/** Bytes of an oversize body the adapter still drains (discarding them) so the client can read the 413. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

function send(res: ServerResponse, reply: AdminReply, close = false): void {
  if (res.headersSent) return;
  res.removeHeader('X-Powered-By');
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (close) res.setHeader('Connection', 'close');
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
  } else {
    // The string goes to the socket as is: a copy into a Buffer first costs tens of ms on a config export.
    res.setHeader('Content-Length', Buffer.byteLength(reply.body, 'utf8'));
    res.writeHead(reply.status).end(reply.body, 'utf8');
  }
}

/**
 * Serves the Admin API on a Node request: reads the body up to the API's limit (413 JSON beyond it, after
 * draining what the client still sends, so it sees the answer instead of a reset), then writes the reply.
 * `url` is the full request URL (Express's `originalUrl` when mounted below a path).
 */
export function serveAdminRequest(api: AdminApi, req: IncomingMessage, res: ServerResponse, url = req.url): void {
  const requestOf = (body: Buffer): AdminRequest => ({
    method: req.method ?? 'GET',
    url: url ?? '/',
    headers: req.headers,
    body,
  });
  const limit = api.maxBodyBytes;
  const declared = Number(req.headers['content-length']);
  const tooLarge = (): void => {
    const reply = api.payloadTooLarge(requestOf(Buffer.alloc(0)));
    let drained = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) req.destroy();
    });
    req.once('end', () => send(res, reply, true));
    req.resume();
  };
  if (Number.isFinite(declared) && declared > limit) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.once('error', () => res.destroy());
  req.once('end', () => {
    if (over) return;
    void api.handle(requestOf(Buffer.concat(chunks))).then((reply) => send(res, reply));
  });
}
