import type { IncomingMessage } from 'node:http';
import { hasToken } from './hop-by-hop';
import { RequestHeaderRewriter } from './request-headers';
import { ListPeers } from './testing/fixtures';
import { TrustedProxies } from './trusted-proxies';
import type { ForwardRequest } from './types';

function message(headers: Record<string, string>, httpVersion = '1.1'): IncomingMessage {
  return { headers: { ...headers }, httpVersion } as unknown as IncomingMessage;
}

const REQUEST: ForwardRequest = {
  requestId: 'rid',
  receivedAt: 0n,
  upstreamPath: '/',
  hostHeader: null,
  clientAddress: '198.51.100.4',
  scheme: 'https',
  forwardedHost: 'api.test',
  forwardedPort: 8443,
  forwardedPath: '/v1/orders',
  forwardedPrefix: '/v1',
  peers: new ListPeers([]),
};

describe('RequestHeaderRewriter', () => {
  const rewriter = new RequestHeaderRewriter('gantry/test', TrustedProxies.none());

  it('writes the Via of the client HTTP version', () => {
    const http10 = message({}, '1.0');
    rewriter.rewrite(http10, REQUEST, false);
    expect(http10.headers.via).toBe('1.0 gantry/test');
  });

  it('keeps the Upgrade handshake of a websocket and drops Connection options otherwise', () => {
    const ws = message({ connection: 'Upgrade', upgrade: 'websocket' });
    rewriter.rewrite(ws, REQUEST, true);
    expect(ws.headers).toMatchObject({ connection: 'upgrade', upgrade: 'websocket' });

    const plain = message({ connection: 'Upgrade, x-a', upgrade: 'websocket', 'x-a': '1', expect: '100-continue' });
    rewriter.rewrite(plain, REQUEST, false);
    expect(plain.headers.connection).toBeUndefined();
    expect(plain.headers.upgrade).toBeUndefined();
    expect(plain.headers['x-a']).toBeUndefined();
    expect(plain.headers.expect).toBeUndefined();
  });

  it('fills every X-Forwarded header from the request, and drops a spoofed prefix when there is none', () => {
    const req = message({ 'x-forwarded-prefix': '/spoofed' });
    rewriter.rewrite(req, { ...REQUEST, forwardedPrefix: null }, false);
    expect(req.headers).toMatchObject({
      'x-forwarded-for': '198.51.100.4',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.test',
      'x-forwarded-port': '8443',
      'x-forwarded-path': '/v1/orders',
      'x-real-ip': '198.51.100.4',
    });
    expect(req.headers['x-forwarded-prefix']).toBeUndefined();
  });
});

describe('hasToken', () => {
  it('finds a token in a list, ignoring case and parameters', () => {
    expect(hasToken('deflate, Trailers;q=0.5', 'trailers')).toBe(true);
    expect(hasToken('deflate', 'trailers')).toBe(false);
  });
});
