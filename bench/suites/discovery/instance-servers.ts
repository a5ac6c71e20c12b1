/**
 * The service instances of the discovery cases, in a process of their own (no event loop shared with the bench's
 * poller or with Gantry): one bare `node:http` server per name in argv[3..], on host argv[2], each answering
 * every request with its own name as the body, so the poller sees which instance the proxy chose. Prints
 * `{"ports":{"<name>":<port>,...}}` once all listen.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const [host, ...names] = process.argv.slice(2);
if (!host || names.length === 0) {
  process.stderr.write('usage: instance-servers.ts <host> <name>...\n');
  process.exit(2);
}

function serve(name: string): Promise<Server> {
  const body = Buffer.from(name);
  const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, headers);
    res.end(body);
  });
  // Outlive the proxy's idle pooled connections, so it never reuses a socket the instance has just closed.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

void Promise.all(names.map(serve)).then((servers) => {
  const ports = Object.fromEntries(names.map((name, i) => [name, (servers[i].address() as AddressInfo).port]));
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  process.once('SIGTERM', () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    process.exit(0);
  });
});
