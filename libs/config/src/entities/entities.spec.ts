import { schemaViolation } from '../errors/factories';
import { validateEntity } from '../schema/validate';
import { ENTITY_SCHEMAS } from './registry';
import type { EntityKind } from '../kinds';

const SVC = '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00';

function valid(kind: EntityKind, input: unknown) {
  const r = validateEntity(ENTITY_SCHEMAS[kind], input);
  if (!r.ok) throw new Error(schemaViolation(r.errors).message);
  return r.value;
}

function message(kind: EntityKind, input: unknown): string {
  const r = validateEntity(ENTITY_SCHEMAS[kind], input);
  if (r.ok) throw new Error('expected a violation');
  return schemaViolation(r.errors).message;
}

describe('services', () => {
  it('has Kong 3.x defaults', () => {
    expect(valid('services', { host: 'example.com' })).toEqual({
      id: null,
      created_at: null,
      updated_at: null,
      name: null,
      retries: 5,
      protocol: 'http',
      host: 'example.com',
      port: 80,
      path: null,
      connect_timeout: 60000,
      write_timeout: 60000,
      read_timeout: 60000,
      tags: null,
      client_certificate: null,
      tls_verify: null,
      tls_verify_depth: null,
      ca_certificates: null,
      enabled: true,
    });
  });

  it('needs a host (or url)', () => {
    expect(message('services', {})).toBe('schema violation (host: required field missing)');
  });

  it('expands the url shorthand', () => {
    expect(valid('services', { url: 'https://api.example.com/v1' })).toMatchObject({
      protocol: 'https',
      host: 'api.example.com',
      port: 443,
      path: '/v1',
    });
    expect(valid('services', { url: 'http://example.com:8080' })).toMatchObject({ port: 8080, path: null });
    expect(valid('services', { url: 'grpc://example.com:9000' })).toMatchObject({ protocol: 'grpc', path: null });
  });

  it('reports every bad field', () => {
    expect(message('services', { host: 'example.com', port: 70000, retries: 1.5, protocol: 'ftp' })).toBe(
      '3 schema violations (port: value should be between 0 and 65535; protocol: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp; retries: expected an integer)',
    );
    expect(message('services', { host: 'example.com:80' })).toBe('schema violation (host: must not have a port)');
    expect(message('services', { host: 'example.com', path: 'x' })).toBe(
      'schema violation (path: should start with: /)',
    );
    expect(message('services', { host: 'example.com', path: '/a//b' })).toBe(
      'schema violation (path: must not have empty segments)',
    );
    expect(message('services', { host: 'example.com', name: 'bad name' })).toBe(
      "schema violation (name: invalid value 'bad name': the only accepted ascii characters are alphanumerics or ., -, _, and ~)",
    );
    expect(message('services', { host: 'example.com', foo: 1 })).toBe('schema violation (foo: unknown field)');
  });

  it('applies the protocol conditionals', () => {
    expect(message('services', { host: 'h', protocol: 'tcp', path: '/x' })).toBe(
      "2 schema violations (failed conditional validation given value of field 'protocol'; path: value must be null)",
    );
    expect(message('services', { host: 'h', protocol: 'http', tls_verify: true })).toBe(
      "2 schema violations (failed conditional validation given value of field 'protocol'; tls_verify: value must be null)",
    );
    expect(valid('services', { host: 'h', protocol: 'https', tls_verify: true }).tls_verify).toBe(true);
  });

  it('validates tags', () => {
    expect(message('services', { host: 'h', tags: ['a,b'] })).toBe(
      "schema violation (tags.1: invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences)",
    );
    expect(valid('services', { host: 'h', tags: ['x', 'x', 'é'] }).tags).toEqual(['x', 'é']);
  });
});

describe('routes', () => {
  it('has Kong defaults', () => {
    expect(valid('routes', { paths: ['/a'], service: { id: SVC } })).toMatchObject({
      protocols: ['http', 'https'],
      https_redirect_status_code: 426,
      strip_path: true,
      preserve_host: false,
      request_buffering: true,
      response_buffering: true,
      regex_priority: 0,
      path_handling: 'v0',
      service: { id: SVC },
    });
  });

  it('needs a matching attribute for http', () => {
    expect(message('routes', { protocols: ['http'] })).toBe(
      "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http')",
    );
    expect(message('routes', {})).toBe(
      "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')",
    );
  });

  it('validates paths, hosts, methods and headers', () => {
    expect(message('routes', { paths: ['x', '/a//b', '/a/../b', '~/(bad'] })).toMatch(
      /^4 schema violations \(paths\.1: should start with: \/ \(fixed path\) or ~\/ \(regex path\); paths\.2: must not have empty segments; paths\.3: non-normalized path, consider use '\/b' instead; paths\.4: invalid regex: '\/\(bad'/,
    );
    expect(message('routes', { hosts: ['*.example.*'] })).toBe(
      'schema violation (hosts.1: invalid wildcard: must have at most one wildcard)',
    );
    expect(message('routes', { hosts: ['a.*.com'] })).toBe(
      'schema violation (hosts.1: invalid wildcard: must be placed at leftmost or rightmost label)',
    );
    expect(valid('routes', { hosts: ['*.example.com', 'example.*'] }).hosts).toEqual(['*.example.com', 'example.*']);
    expect(message('routes', { methods: ['get'] })).toBe('schema violation (methods.1: invalid value: get)');
    expect(message('routes', { headers: { Host: ['x'] } })).toBe(
      "schema violation (headers: cannot contain 'host' header, which must be specified in the 'hosts' attribute)",
    );
  });

  it('applies protocol rules', () => {
    expect(message('routes', { protocols: ['http', 'tcp'], paths: ['/'] })).toBe(
      "schema violation (protocols: these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp'))",
    );
    expect(message('routes', { protocols: ['http'], paths: ['/'], snis: ['a.com'] })).toBe(
      "2 schema violations ('snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'; snis: length must be 0)",
    );
    expect(message('routes', { protocols: ['tcp'], paths: ['/'] })).toBe(
      "schema violation (paths: cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp')",
    );
    expect(valid('routes', { protocols: ['tcp'], destinations: [{ port: 9000 }] }).destinations).toEqual([
      { ip: null, port: 9000 },
    ]);
    expect(message('routes', { protocols: ['tcp'], sources: [{}] })).toBe(
      "schema violation (sources.1: at least one of these fields must be non-empty: 'ip', 'port')",
    );
    expect(valid('routes', { protocols: ['grpc'], paths: ['/'] }).strip_path).toBe(false);
  });
});

describe('consumers', () => {
  it('needs a username or custom_id', () => {
    expect(message('consumers', {})).toBe(
      "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
    );
    expect(valid('consumers', { username: 'alice' })).toMatchObject({ username: 'alice', custom_id: null, tags: null });
  });
});

describe('plugins', () => {
  it('accepts any config for unknown plugins and defaults protocols', () => {
    expect(valid('plugins', { name: 'anything', config: { a: { b: 1 } } })).toMatchObject({
      name: 'anything',
      config: { a: { b: 1 } },
      enabled: true,
      protocols: ['grpc', 'grpcs', 'http', 'https'],
      route: null,
      service: null,
      consumer: null,
    });
    expect(valid('plugins', { name: 'x' }).config).toEqual({});
    expect(message('plugins', { config: 1 })).toBe(
      '2 schema violations (config: expected a record; name: required field missing)',
    );
  });
});

describe('upstreams', () => {
  it('has Kong defaults including the full healthchecks record', () => {
    const u = valid('upstreams', { name: 'backend' });
    expect(u).toMatchObject({
      algorithm: 'round-robin',
      hash_on: 'none',
      hash_fallback: 'none',
      hash_on_cookie_path: '/',
      slots: 10000,
      use_srv_name: false,
      host_header: null,
    });
    expect(u.healthchecks).toEqual({
      active: {
        type: 'http',
        timeout: 1,
        concurrency: 10,
        http_path: '/',
        https_sni: null,
        https_verify_certificate: true,
        headers: null,
        healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
        unhealthy: {
          interval: 0,
          http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
          tcp_failures: 0,
          timeouts: 0,
          http_failures: 0,
        },
      },
      passive: {
        type: 'http',
        healthy: {
          http_statuses: [
            200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308,
          ],
          successes: 0,
        },
        unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0, cooldown: 30 },
      },
      threshold: 0,
    });
  });

  it('completes partial healthchecks and names nested errors', () => {
    const u = valid('upstreams', { name: 'b', healthchecks: { active: { healthy: { interval: 5 } } } });
    expect(u.healthchecks).toMatchObject({
      active: { timeout: 1, healthy: { interval: 5, successes: 0 } },
      threshold: 0,
    });
    expect(
      message('upstreams', { name: 'b', healthchecks: { active: { timeout: -1, unhealthy: { tcp_failures: 'x' } } } }),
    ).toBe(
      '2 schema violations (healthchecks.active.timeout: value should be between 0 and 65535; healthchecks.active.unhealthy.tcp_failures: expected an integer)',
    );
  });

  it('enforces the hash_on cross-field rules', () => {
    expect(message('upstreams', { name: 'b', hash_on: 'header' })).toBe(
      "2 schema violations (failed conditional validation given value of field 'hash_on'; hash_on_header: required field missing)",
    );
    expect(message('upstreams', { name: 'b', hash_fallback: 'ip' })).toBe(
      "2 schema violations (failed conditional validation given value of field 'hash_on'; hash_fallback: expected one of: none)",
    );
    expect(message('upstreams', { name: 'b', hash_on: 'ip', hash_fallback: 'ip' })).toMatch(
      /hash_fallback: expected one of: none, consumer, header/,
    );
    expect(
      message('upstreams', {
        name: 'b',
        hash_on: 'header',
        hash_on_header: 'X',
        hash_fallback: 'header',
        hash_fallback_header: 'X',
      }),
    ).toBe("schema violation (values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header')");
    expect(message('upstreams', { name: 'b', hash_on: 'query_arg' })).toBe(
      "2 schema violations (failed conditional validation given value of field 'hash_on'; hash_on_query_arg: required field missing)",
    );
    expect(
      valid('upstreams', { name: 'b', algorithm: 'consistent-hashing', hash_on: 'cookie', hash_on_cookie: 'sid' }),
    ).toMatchObject({
      hash_on_cookie: 'sid',
    });
  });

  it('validates names', () => {
    expect(message('upstreams', { name: '10.0.0.1' })).toBe(
      "schema violation (name: Invalid name ('10.0.0.1'); no ip addresses allowed)",
    );
    expect(message('upstreams', { name: 'a:80' })).toBe(
      "schema violation (name: Invalid name ('a:80'); no port allowed)",
    );
    expect(message('upstreams', {})).toBe('schema violation (name: required field missing)');
  });
});

describe('targets', () => {
  it('has Kong defaults and range', () => {
    const up = { id: SVC };
    expect(valid('targets', { upstream: up, target: 'a:80' })).toMatchObject({ weight: 100 });
    expect(message('targets', { upstream: up, target: 'a:80', weight: 70000 })).toBe(
      'schema violation (weight: value should be between 0 and 65535)',
    );
    expect(message('targets', { upstream: up, target: 'a b' })).toBe(
      "schema violation (target: Invalid target ('a b'); not a valid hostname or ip address)",
    );
    expect(message('targets', { target: 'a' })).toBe('schema violation (upstream: required field missing)');
  });
});
