import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { managedInstance, target } from './components';
import { consulAgentArgs } from './consul-args';
import { consulSpecFromEnv, consulUrlFromEnv } from './consul-component';
import { consulBaseUrl } from './consul-probe';
import { buildGoBinary, goBuildArgs, goDirs, goEnv, isLinknameRefused, isSumDbUnreachable } from './go-module-build';

describe('consul agent command line', () => {
  const args = consulAgentArgs({
    host: '127.0.0.1',
    httpPort: 18500,
    serverPort: 18300,
    serfLanPort: 18301,
    nodeName: 'gantry-test',
    dataDir: '/x/consul/data',
    logFile: '/x/consul/logs/consul.log',
  });
  const value = (flag: string) => args[args.indexOf(flag) + 1];

  it('runs a loopback dev agent on the given ports, marked by its data dir', () => {
    expect(args.slice(0, 2)).toEqual(['agent', '-dev']);
    expect(value('-bind')).toBe('127.0.0.1');
    expect(value('-client')).toBe('127.0.0.1');
    expect(value('-http-port')).toBe('18500');
    expect(value('-server-port')).toBe('18300');
    expect(value('-serf-lan-port')).toBe('18301');
    expect(value('-node')).toBe('gantry-test');
    expect(value('-data-dir')).toBe('/x/consul/data');
    expect(value('-log-file')).toBe('/x/consul/logs/consul.log');
  });

  it('switches off every listener the tests do not use', () => {
    for (const flag of ['-dns-port', '-grpc-port', '-grpc-tls-port', '-serf-wan-port']) expect(value(flag)).toBe('-1');
    expect(value('-hcl')).toBe('disable_update_check = true');
    expect(args).toContain('limits { http_max_conns_per_client = 4096 }');
  });
});

describe('consul from the environment', () => {
  it('defaults to 127.0.0.1:8500 with server 8300 and Serf LAN 8301, each configurable', () => {
    const env = { GANTRY_INFRA_DIR: '/tmp/i', GANTRY_CACHE_DIR: '/tmp/c' };
    expect(consulSpecFromEnv(env)).toMatchObject({
      name: 'consul',
      httpPort: 8500,
      serverPort: 8300,
      serfLanPort: 8301,
      version: '1.19.2',
      dir: path.resolve('/tmp/i/consul'),
      cacheDir: path.resolve('/tmp/c'),
    });
    const custom = {
      ...env,
      GANTRY_CONSUL_PORT: '18500',
      GANTRY_CONSUL_SERVER_PORT: '18300',
      GANTRY_CONSUL_SERF_LAN_PORT: '18301',
    };
    expect(managedInstance('consul', custom)).toMatchObject({
      kind: 'consul',
      address: '127.0.0.1:18500',
      binds: [
        { host: '127.0.0.1', port: 18500 },
        { host: '127.0.0.1', port: 18300 },
        { host: '127.0.0.1', port: 18301 },
      ],
      marker: path.resolve('/tmp/i/consul/data'),
      mainLog: path.resolve('/tmp/i/consul/logs/consul.log'),
    });
    expect(() => consulSpecFromEnv({ GANTRY_CONSUL_PORT: 'x' })).toThrow(/GANTRY_CONSUL_PORT must be a TCP port/);
  });

  it('uses the agent CONSUL_HTTP_ADDR names instead of starting one', () => {
    expect(target('consul', {}).kind).toBe('managed');
    expect(target('consul', { CONSUL_HTTP_ADDR: '10.0.0.5:8500', CONSUL_HTTP_TOKEN: 'secret' })).toMatchObject({
      kind: 'external',
      component: 'consul',
      variable: 'CONSUL_HTTP_ADDR',
      addresses: ['http://10.0.0.5:8500'], // never the token
    });
    expect(consulUrlFromEnv({ CONSUL_HTTP_ADDR: 'https://consul.example:8501/' })).toBe('https://consul.example:8501');
    expect(consulUrlFromEnv({ CONSUL_HTTP_ADDR: ' ' })).toBeUndefined();
  });

  it('rejects a CONSUL_HTTP_ADDR that is not host:port or an http(s) URL, naming the variable', () => {
    for (const bad of ['unix:///tmp/consul.sock', 'http://u:p@h:8500', 'http://h:8500/v1', 'http://']) {
      expect(() => consulBaseUrl(bad)).toThrow(/CONSUL_HTTP_ADDR must/);
    }
  });
});

describe('building a Go command', () => {
  it('keeps Go away from the user dirs: caches under ours, writable module cache, no cgo', () => {
    const dirs = goDirs('/c');
    expect(dirs).toEqual({ modCache: '/c/go/mod', buildCache: '/c/go/build' });
    expect(goEnv(dirs)).toMatchObject({
      GOMODCACHE: '/c/go/mod',
      GOCACHE: '/c/go/build',
      GOFLAGS: '-modcacherw -buildvcs=false',
      CGO_ENABLED: '0',
      GOWORK: 'off',
    });
    expect(goBuildArgs('/b/consul', 'github.com/hashicorp/consul', false)).toEqual([
      'build',
      '-v',
      '-trimpath',
      '-o',
      '/b/consul',
      'github.com/hashicorp/consul',
    ]);
    expect(goBuildArgs('/b/consul', 'm', true)).toContain('-ldflags=-checklinkname=0');
  });

  it('retries without the checksum database only when it is unreachable, never on a mismatch', () => {
    const unreachable =
      'verifying github.com/x/y@v1.0.0: github.com/x/y@v1.0.0: Get "https://sum.golang.org/lookup/...": dial tcp: i/o timeout';
    expect(isSumDbUnreachable(unreachable)).toBe(true);
    expect(isSumDbUnreachable('verifying x@v1: checksum mismatch\nSECURITY ERROR\nsum.golang.org')).toBe(false);
    expect(isSumDbUnreachable('go: module x: not found')).toBe(false);
    expect(isLinknameRefused('link: github.com/x/y: invalid reference to runtime.foo (linkname)')).toBe(true);
    expect(isLinknameRefused('undefined: foo')).toBe(false);
  });

  it('reuses a completed build without running Go', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-go-build-'));
    try {
      const dir = path.join(cache, 'tool', '1.0.0');
      fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'bin', 'tool'), '');
      const marker = { module: 'example.com/tool', version: 'v1.0.0', verified: 'tool v1.0.0', buildMs: 1 };
      fs.writeFileSync(path.join(dir, '.complete'), JSON.stringify(marker));
      const spec = {
        name: 'tool',
        module: 'example.com/tool',
        version: 'v1.0.0',
        verify: () => {
          throw new Error('must not run');
        },
      };
      const found = await buildGoBinary(spec, dir, goDirs(cache), () => undefined);
      expect(found).toEqual({ path: path.join(dir, 'bin', 'tool'), version: 'tool v1.0.0', built: false, buildMs: 0 });
      expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
