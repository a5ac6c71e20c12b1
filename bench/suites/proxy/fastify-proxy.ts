/**
 * Case (c): @fastify/http-proxy in one process, configured as its README shows (`{ upstream }`, so
 * @fastify/reply-from's default undici pool with keep-alive), logging off. Run as its own process by the
 * suite: argv[2] is the upstream URL. Prints `{"port":n}` once it listens on 127.0.0.1.
 */
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

async function main(): Promise<void> {
  const upstream = process.argv[2];
  if (!upstream) throw new Error('usage: fastify-proxy.ts <upstream url>');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
