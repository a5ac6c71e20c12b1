import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { PassThrough } from 'node:stream';
import { KongErrors, type KongErrorKind } from './kong-errors';
import { listen, send } from './testing/fixtures';

describe('KongErrors', () => {
  const errors = new KongErrors('gantry/test');

  it.each<[KongErrorKind, number, string]>([
    ['bad-request', 400, 'Bad request'],
    ['no-route', 404, 'no Route matched with those values'],
    ['https-required', 426, 'Please use HTTPS protocol'],
    ['unexpected', 500, 'An unexpected error occurred'],
    ['bad-gateway', 502, 'An invalid response was received from the upstream server'],
    ['no-peer', 503, 'failure to get a peer from the ring-balancer'],
    ['name-resolution', 503, 'name resolution failed'],
    ['upstream-timeout', 504, 'The upstream server is timing out'],
  ])('%s answers %i with Kong’s message', (kind, status, message) => {
    expect(errors.status(kind)).toBe(status);
    expect(JSON.parse(errors.body(kind, 'abc')) as unknown).toEqual({ message, request_id: 'abc' });
  });

  it('escapes a request id that JSON cannot carry as is', () => {
    expect(JSON.parse(errors.body('no-route', 'a"b\\é')) as unknown).toEqual({
      message: 'no Route matched with those values',
      request_id: 'a"b\\é',
    });
  });

  it('writes the status, Kong headers and an exact Content-Length, keeping headers set before', async () => {
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('x-set-by-plugin', 'yes');
      errors.write(res, 'https-required', 'rid-é');
    });
    const listening = await listen(server);
    try {
      const reply = await send(listening.port);
      expect(reply.status).toBe(426);
      expect(reply.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(reply.body.length),
        'x-set-by-plugin': 'yes',
        server: 'gantry/test',
        upgrade: 'TLS/1.2, HTTP/1.1',
      });
      expect(JSON.parse(reply.body.toString()) as unknown).toEqual({
        message: 'Please use HTTPS protocol',
        request_id: 'rid-é',
      });
    } finally {
      await listening.close();
    }
  });

  it('writes a complete response on a raw socket and closes it', async () => {
    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => socket.on('end', resolve));
    errors.writeRaw(socket, 'bad-gateway', 'rid-1');
    await ended;
    const text = Buffer.concat(chunks).toString();
    const [head, body] = text.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 502 Bad Gateway',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'X-Kong-Request-Id: rid-1',
      'Server: gantry/test',
      'Connection: close',
    ]);
    expect(JSON.parse(body) as unknown).toEqual({
      message: 'An invalid response was received from the upstream server',
      request_id: 'rid-1',
    });
  });
});
