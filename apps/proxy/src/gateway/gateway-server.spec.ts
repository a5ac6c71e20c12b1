import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { RSA_CERT, RSA_KEY } from '../../../../libs/config/src/testing/pem-fixtures';
import { GatewayServer } from './gateway-server';

function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('GatewayServer', () => {
  let handled = 0;
  const server = new GatewayServer(
    { host: '127.0.0.1', port: 0 },
    {
      request: (_req, res) => {
        handled++;
        res.end('ok');
      },
      upgrade: (_req, socket) => socket.destroy(),
    },
  );
  beforeAll(() => server.start());
  afterAll(() => server.close());

  it.each([
    ['a bad request line', 'GARBAGE\r\n\r\n'],
    ['a bad header line', 'GET / HTTP/1.1\r\nHost: x\r\nno-colon-here\r\n\r\n'],
    [
      'conflicting Content-Length and Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'two different Content-Length headers',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
  ])('answers %s with Kong’s 400 and keeps serving', async (_name, request) => {
    const before = handled;
    const { port } = server.address();
    const answer = await rawExchange(port, request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('{"message":"Bad request"}');
    expect(handled).toBe(before);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
  });
});

describe('GatewayServer start-up', () => {
  it('opens every listener or none: a TLS port in use closes the plain one again', async () => {
    const squatter = createServer().listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const busy = (squatter.address() as AddressInfo).port;
    const handlers = { request: () => undefined, upgrade: () => undefined };
    const gateway = new GatewayServer({ host: '127.0.0.1', port: 0 }, handlers, {
      listen: { host: '127.0.0.1', port: busy },
      cert: RSA_CERT,
      key: RSA_KEY,
      sniCallback: (_name, done) => done(null),
    });
    await expect(gateway.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(gateway.connections).resolves.toBe(0);
    const { port } = gateway.address();
    expect(port).toBe(0); // not bound: address() falls back to the configured one
    await new Promise((resolve) => squatter.close(resolve));
  });
});
