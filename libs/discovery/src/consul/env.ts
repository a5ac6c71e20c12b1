import type { ConsulSourceOptions, ConsulTlsOptions } from './options';
import { consulBaseUrl } from './resolve-options';

/** The connection part of {@link ConsulSourceOptions}: what Consul's CLI reads from its environment. */
export type ConsulConnectionOptions = Pick<ConsulSourceOptions, 'address' | 'token' | 'tokenFile' | 'tls'>;

const TLS_FILES: ReadonlyArray<readonly [string, 'caFile' | 'certFile' | 'keyFile' | 'serverName']> = [
  ['CONSUL_CACERT', 'caFile'],
  ['CONSUL_CLIENT_CERT', 'certFile'],
  ['CONSUL_CLIENT_KEY', 'keyFile'],
  ['CONSUL_TLS_SERVER_NAME', 'serverName'],
];

function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = set(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value);
}

/**
 * Reads the variables Consul's own CLI reads (`CONSUL_HTTP_ADDR`, `CONSUL_HTTP_SSL`, `CONSUL_HTTP_TOKEN`,
 * `CONSUL_HTTP_TOKEN_FILE`, `CONSUL_CACERT`, `CONSUL_CLIENT_CERT`, `CONSUL_CLIENT_KEY`, `CONSUL_TLS_SERVER_NAME`,
 * `CONSUL_HTTP_SSL_VERIFY`) into source options; explicit options spread after it win:
 * `new ConsulSource({ ...consulConnectionFromEnv(), datacenter: 'dc1' })`.
 */
export function consulConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConsulConnectionOptions {
  const address = set(env, 'CONSUL_HTTP_ADDR');
  const https = flag(env, 'CONSUL_HTTP_SSL') === true;
  const tls: { -readonly [K in keyof ConsulTlsOptions]: ConsulTlsOptions[K] } = {};
  for (const [variable, field] of TLS_FILES) {
    const value = set(env, variable);
    if (value !== undefined) tls[field] = value;
  }
  if (flag(env, 'CONSUL_HTTP_SSL_VERIFY') === false) tls.insecureSkipVerify = true;
  const token = set(env, 'CONSUL_HTTP_TOKEN');
  const tokenFile = set(env, 'CONSUL_HTTP_TOKEN_FILE');
  return {
    ...(address === undefined ? {} : { address: consulBaseUrl(address, https) }),
    ...(token === undefined ? {} : { token }),
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(Object.keys(tls).length === 0 ? {} : { tls }),
  };
}
