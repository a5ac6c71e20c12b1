import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigLog } from '@gantry/event-log';

/**
 * The reference for an acknowledged Admin API write: a bare `node:http` server that reads the body and appends it
 * to the same kind of log, answering 201 once the append is durable. It skips what the admin does on top (routing,
 * Kong validation, the event envelope, waiting for its own fold, rendering the entity).
 */
export async function startRawAppendServer(log: ConfigLog): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      log.append(Buffer.concat(chunks), { key: randomUUID() }).then(
        (version) => {
          const body = JSON.stringify({ version });
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => {
          res.writeHead(503);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
