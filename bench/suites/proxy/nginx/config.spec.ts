import { NginxConfigError, renderNginxConfig } from './config';

const OPTIONS = { prefixDir: '/tmp/bench/nginx-1', listenPort: 8080, upstreamPort: 9090, upstreamKeepalive: 64 };

describe('renderNginxConfig', () => {
  const conf = renderNginxConfig(OPTIONS);

  it('runs one worker with the access log off', () => {
    expect(conf).toMatch(/^worker_processes 1;$/m);
    expect(conf).toMatch(/^\s*access_log off;$/m);
  });

  it('proxies to the upstream over pooled HTTP/1.1 keep-alive connections', () => {
    expect(conf).toContain('server 127.0.0.1:9090;');
    expect(conf).toMatch(/^\s*keepalive 64;$/m);
    expect(conf).toContain('proxy_pass http://bench_upstream;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toContain('listen 127.0.0.1:8080;');
  });

  it('keeps every file it writes inside the prefix directory, so no root is needed', () => {
    const paths = [...conf.matchAll(/^\s*(?:pid|error_log|\w+_temp_path) (\S+?)[;\s]/gm)].map((m) => m[1]);
    expect(paths).toHaveLength(7);
    for (const path of paths) expect(path.startsWith('/tmp/bench/nginx-1/')).toBe(true);
  });

  it('balances its braces', () => {
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });

  it('drops a trailing slash from the prefix', () => {
    expect(renderNginxConfig({ ...OPTIONS, prefixDir: '/tmp/x/' })).toContain('pid /tmp/x/nginx.pid;');
  });

  it('refuses what would break the config', () => {
    expect(() => renderNginxConfig({ ...OPTIONS, prefixDir: 'relative/dir' })).toThrow(NginxConfigError);
    expect(() => renderNginxConfig({ ...OPTIONS, prefixDir: '/tmp/a dir' })).toThrow(NginxConfigError);
    expect(() => renderNginxConfig({ ...OPTIONS, prefixDir: '/tmp/x;daemon on' })).toThrow(NginxConfigError);
    expect(() => renderNginxConfig({ ...OPTIONS, listenPort: 0 })).toThrow(NginxConfigError);
    expect(() => renderNginxConfig({ ...OPTIONS, upstreamPort: 70_000 })).toThrow(NginxConfigError);
    expect(() => renderNginxConfig({ ...OPTIONS, upstreamKeepalive: 0 })).toThrow(NginxConfigError);
  });
});
