import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from '../auth/authenticator';
import { parseTokenList } from '../auth/tokens';
import { ApiHarness } from '../testing/api-harness';
import { serveAdminRequest } from './http/node-handler';

describe('AdminApi request handling', () => {
  it('sets Kong headers on every answer', async () => {
    const h = new ApiHarness({ requestId: () => 'req-1' });
    const answer = await h.call('GET', '/services');
    expect(answer.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'X-Kong-Admin-Request-ID': 'req-1',
      'Access-Control-Allow-Origin': '*',
    });
    expect(answer.body).toEqual({ data: [], next: null });
  });

  it('answers HEAD like GET without a body, and OPTIONS with the allowed methods', async () => {
    const h = new ApiHarness();
    const head = await h.call('HEAD', '/services');
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    const options = await h.call('OPTIONS', '/services');
    expect(options.status).toBe(204);
    expect(options.headers.Allow).toBe('GET, POST, OPTIONS');
    const wrong = await h.call('DELETE', '/services');
    expect(wrong.headers.Allow).toBe('GET, POST');
  });

  it('answers 400 for broken paths and 503 while the configuration is not loaded', async () => {
    expect((await new ApiHarness().call('GET', '/services/%E0%A4%A')).status).toBe(400);
    const loading = new ApiHarness({ notReady: () => 'booting' });
    const answer = await loading.call('GET', '/services');
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ message: 'The configuration is not loaded yet: booting' });
    expect((await loading.call('GET', '/')).status).toBe(200);
  });

  it('checks tokens and roles before running a handler', async () => {
    const auth = new Authenticator(parseTokenList('ci:admin:admin-token-1,viewer:read:read-token-1'));
    const h = new ApiHarness({ auth });
    expect((await h.call('GET', '/services')).status).toBe(401);
    expect((await h.call('GET', '/nope')).status).toBe(404);
    const read = { 'Kong-Admin-Token': 'read-token-1' };
    expect((await h.call('GET', '/services', undefined, read)).status).toBe(200);
    expect((await h.call('POST', '/services', { host: 'h' }, read)).status).toBe(403);
    expect((await h.call('POST', '/schemas/plugins/validate', { name: 'cors' }, read)).status).toBe(200);
    const created = await h.call('POST', '/consumers', { username: 'c' }, { Authorization: 'Bearer admin-token-1' });
    expect(created.status).toBe(201);
    expect(h.backend.outcomeOf(1)!.event.actor).toBe('ci');
  });
});

describe('serveAdminRequest (Node adapter)', () => {
  let server: Server;
  let base: string;
  const h = new ApiHarness({ settings: { region: 'r', writeTimeoutMs: 1000, maxBodyBytes: 1024 } });

  beforeAll(async () => {
    server = createServer((req, res) => serveAdminRequest(h.api, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 413 JSON for bodies over the limit, declared or streamed', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(4096) });
    const declared = await fetch(`${base}/consumers`, {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ message: 'Request body is larger than the limit of 1024 bytes' });
    const chunks = [Buffer.from('{"username":"'), Buffer.alloc(4096, 'y'), Buffer.from('"}')];
    const streamed = await fetch(`${base}/consumers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (const c of chunks) controller.enqueue(c);
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(h.backend.state.entities.consumers.size).toBe(0);
  });

  it('serves normal requests', async () => {
    const created = await fetch(`${base}/consumers`, {
      method: 'POST',
      body: 'username=formed',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-length')).not.toBeNull();
  });
});
