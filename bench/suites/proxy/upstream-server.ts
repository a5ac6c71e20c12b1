/**
 * The upstream every proxy case forwards to, run as its own process so that it shares no event loop with
 * the load tool or a proxy: a bare `node:http` server answering every request with the same small body.
 * Prints `{"port":n}` once it listens on 127.0.0.1 (port from argv, 0 for any).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPSTREAM_BODY } from './upstream-body';

const body = Buffer.from(UPSTREAM_BODY);
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  // Drain any request body so the keep-alive connection stays usable.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
// Outlive the proxies' idle pooled connections (nginx keeps them 60 s), so no proxy reuses a socket the
// upstream has just closed: that race would show up as sporadic 502s unrelated to the proxy's speed.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
