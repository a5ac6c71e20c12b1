import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGone, KubeApiError } from './errors';
import { HttpKubeApi } from './http-kube-api';
import type { KubeEndpointSlice, WatchEvent } from './kube-api';

/** A stand-in API server on loopback (plain HTTP): each test sets what it answers. */
let server: http.Server;
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
let api: HttpKubeApi;
const requests: { url: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api = new HttpKubeApi({
    clusterName: 'c',
    context: 'c',
    server: `http://127.0.0.1:${port}`,
    insecureSkipTlsVerify: false,
    token: 's3cret',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => (requests.length = 0));

describe('HttpKubeApi', () => {
  it('lists a page with the bearer token, selectors, limit, continue and a server-side timeout', async () => {
    handler = (_req, res) =>
      res.end(JSON.stringify({ metadata: { resourceVersion: '77', continue: 'tok2' }, items: [{ metadata: {} }] }));
    const page = await api.listEndpointSlices({
      namespace: 'shop',
      labelSelector: 'kubernetes.io/service-name',
      limit: 2,
      continue: 'tok1',
      timeoutMs: 10_000,
    });
    expect(page).toEqual({ items: [{ metadata: {} }], resourceVersion: '77', continue: 'tok2' });
    const url = new URL(requests[0].url, 'http://x');
    expect(url.pathname).toBe('/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      labelSelector: 'kubernetes.io/service-name',
      limit: '2',
      continue: 'tok1',
      timeoutSeconds: '10',
    });
    expect(requests[0].authorization).toBe('Bearer s3cret');
  });

  it('turns an error answer into a KubeApiError with the Status code and reason', async () => {
    handler = (_req, res) => {
      res.statusCode = 410;
      res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'continue token expired' }));
    };
    const error = await api.listServices({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 410, reason: 'Expired' });
    expect(isGone(error)).toBe(true);
    expect(new URL(requests[0].url, 'http://x').pathname).toBe('/api/v1/services');
  });

  it('streams watch events split across chunks, and reports the server ending the watch', async () => {
    const lines = [
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    handler = (_req, res) => {
      res.write(lines.slice(0, 17));
      setTimeout(() => res.end(`${lines.slice(17)}\n`), 10);
    };
    const events: WatchEvent<KubeEndpointSlice>[] = [];
    const error = await new Promise<Error | undefined>((resolve) => {
      api.watchEndpointSlices(
        { resourceVersion: '4', timeoutSeconds: 60, labelSelector: 'x' },
        { event: (e) => events.push(e), done: resolve },
      );
    });
    expect(error).toBeUndefined();
    expect(events.map((e) => [e.type, e.object.metadata?.resourceVersion])).toEqual([
      ['ADDED', '5'],
      ['BOOKMARK', '9'],
    ]);
    expect(Object.fromEntries(new URL(requests[0].url, 'http://x').searchParams)).toEqual({
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: '4',
      timeoutSeconds: '60',
      labelSelector: 'x',
    });
  });

  it('reports a refused watch as an error, and an aborted one not at all', async () => {
    handler = (_req, res) => {
      res.statusCode = 403;
      res.end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' }));
    };
    const refused = await new Promise<Error | undefined>((resolve) => {
      api.watchServices({ resourceVersion: '1', timeoutSeconds: 1 }, { event: () => undefined, done: resolve });
    });
    expect(refused).toMatchObject({ status: 403, reason: 'Forbidden' });

    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    let received!: () => void;
    const firstEvent = new Promise<void>((resolve) => (received = resolve));
    handler = (req, res) => {
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
      req.socket.on('close', () => closed());
    };
    const done = jest.fn();
    const handle = api.watchServices({ resourceVersion: '1', timeoutSeconds: 60 }, { event: () => received(), done });
    await firstEvent;
    handle.abort();
    await serverSawClose;
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).not.toHaveBeenCalled();
  });
});
