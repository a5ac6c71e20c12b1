import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consulConnectionFromEnv } from './env';
import { InvalidConsulOptionsError } from './errors';
import type { ConsulSourceOptions } from './options';
import { resolveConsulOptions } from './resolve-options';

const resolve = (options: Partial<ConsulSourceOptions>) => resolveConsulOptions({ datacenter: 'dc1', ...options });

describe('resolveConsulOptions', () => {
  it('refuses with the options error code', () => {
    expect(new InvalidConsulOptionsError('x').code).toBe('GANTRY_DISCOVERY_INVALID_OPTIONS');
  });

  it('fills in the defaults', () => {
    const r = resolve({});
    expect(r).toMatchObject({
      id: 'consul:dc1',
      datacenter: 'dc1',
      connection: { baseUrl: 'http://127.0.0.1:8500' },
      mapping: {
        tagPrefix: 'gantry.upstream',
        metaKey: 'gantry-upstream',
        byServiceName: false,
        weightTagPrefix: 'gantry.weight',
      },
      includeWarning: false,
      upstreamDefaults: {},
      consistency: 'default',
      waitMs: 60_000,
      minQueryIntervalMs: 500,
    });
    expect(r.mapping.excludeServices).toEqual(new Set(['consul']));
    expect(r.connection.tls).toBeUndefined();
    expect(resolve({ name: 'eu-west', address: 'consul.local:8501' }).id).toBe('consul:eu-west');
  });

  it.each<[string, Partial<ConsulSourceOptions>, RegExp]>([
    ['a bad datacenter', { datacenter: 'dc 1' }, /datacenter/],
    ['a url with a path', { address: 'http://consul:8500/v1' }, /only a scheme/],
    ['another scheme', { address: 'unix:///tmp/consul.sock' }, /http/],
    ['a meta key Consul refuses', { mapping: { metaKey: 'gantry.upstream' } }, /meta key/],
    ['a tag prefix with =', { mapping: { tagPrefix: 'a=b' } }, /tagPrefix/],
    ['a mapping of nothing', { mapping: { tagPrefix: null, metaKey: null } }, /maps nothing/],
    ['upstream defaults the Admin API refuses', { upstreamDefaults: { algorithm: 'random' } }, /upstreamDefaults/],
    ['upstream defaults naming the upstream', { upstreamDefaults: { name: 'x' } }, /name/],
    ['a wait past 10 minutes', { waitMs: 900_000 }, /waitMs/],
    ['an unknown consistency', { consistency: 'eventual' as never }, /consistency/],
    ['TLS files over plain http', { tls: { caFile: '/ca.pem' } }, /plain http/],
    [
      'a missing CA file',
      { address: 'https://c:8501', tls: { caFile: '/nonexistent/ca.pem' } },
      /cannot read the CA file/,
    ],
    ['a certificate without its key', { address: 'https://c:8501', tls: { certFile: '/c.pem' } }, /go together/],
  ])('refuses %s', (_, options, message) => {
    expect(() => resolve(options)).toThrow(InvalidConsulOptionsError);
    expect(() => resolve(options)).toThrow(message);
  });

  it('reads the token file and the TLS files once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'consul-opts-'));
    writeFileSync(join(dir, 'token'), ' file-token \n');
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    const r = resolve({
      address: 'https://consul:8501',
      tokenFile: join(dir, 'token'),
      tls: { caFile: join(dir, 'ca.pem'), serverName: 'server.dc1.consul' },
    });
    expect(r.connection).toEqual({
      baseUrl: 'https://consul:8501',
      token: 'file-token',
      tls: { ca: 'CA PEM', servername: 'server.dc1.consul', rejectUnauthorized: true },
    });
    expect(resolve({ token: 'given', tokenFile: join(dir, 'token') }).connection.token).toBe('given');
  });
});

describe('consulConnectionFromEnv', () => {
  it("reads the variables of Consul's CLI", () => {
    expect(
      consulConnectionFromEnv({
        CONSUL_HTTP_ADDR: 'consul.service:8501',
        CONSUL_HTTP_SSL: 'true',
        CONSUL_HTTP_TOKEN: 't0k',
        CONSUL_CACERT: '/etc/consul/ca.pem',
        CONSUL_CLIENT_CERT: '/etc/consul/cli.pem',
        CONSUL_CLIENT_KEY: '/etc/consul/cli-key.pem',
        CONSUL_TLS_SERVER_NAME: 'server.dc1.consul',
        CONSUL_HTTP_SSL_VERIFY: 'false',
      }),
    ).toEqual({
      address: 'https://consul.service:8501',
      token: 't0k',
      tls: {
        caFile: '/etc/consul/ca.pem',
        certFile: '/etc/consul/cli.pem',
        keyFile: '/etc/consul/cli-key.pem',
        serverName: 'server.dc1.consul',
        insecureSkipVerify: true,
      },
    });
    expect(consulConnectionFromEnv({ CONSUL_HTTP_ADDR: '10.0.0.5:8500', CONSUL_HTTP_TOKEN_FILE: '/t' })).toEqual({
      address: 'http://10.0.0.5:8500',
      tokenFile: '/t',
    });
    expect(consulConnectionFromEnv({})).toEqual({});
  });
});
