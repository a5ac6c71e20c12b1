import { GatewayServer } from './gateway-server';

describe('GatewayServer', () => {
  const server = new GatewayServer({ host: '127.0.0.1', port: 0 });
  beforeAll(() => server.start());
  afterAll(() => server.close());

  it('answers every request with Kong’s JSON 404 and a request id while no route exists', async () => {
    const { port } = server.address();
    const response = await fetch(`http://127.0.0.1:${port}/some/path?q=1`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as { message: string; request_id: string };
    expect(body).toEqual({ message: 'no Route matched with those values', request_id: expect.any(String) });
    expect(response.headers.get('x-kong-request-id')).toBe(body.request_id);
  });
});
