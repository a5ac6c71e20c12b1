import type { ExternalTarget } from './components';
import { CONSUL_VERSION, type ConsulSpec } from './consul';
import { consulBaseUrl, probeConsul } from './consul-probe';
import { type Env, envPort, envSeconds, envString } from './env';
import { cacheDir, instanceDir } from './paths';

/** The default Consul dev agent (`consul`, node `gantry-test`), from the environment. */
export function consulSpecFromEnv(env: Env = process.env): ConsulSpec {
  return {
    name: 'consul',
    host: '127.0.0.1',
    httpPort: envPort(env, 'GANTRY_CONSUL_PORT', 8500),
    serverPort: envPort(env, 'GANTRY_CONSUL_SERVER_PORT', 8300),
    serfLanPort: envPort(env, 'GANTRY_CONSUL_SERF_LAN_PORT', 8301),
    nodeName: 'gantry-test',
    version: envString(env, 'GANTRY_CONSUL_VERSION', CONSUL_VERSION),
    readyTimeoutMs: envSeconds(env, 'GANTRY_CONSUL_READY_TIMEOUT', 60),
    dir: instanceDir('consul', env),
    cacheDir: cacheDir(env),
  };
}

/** CONSUL_HTTP_ADDR as a base URL (`http://host:port`), checked; undefined when unset. */
export function consulUrlFromEnv(env: Env = process.env): string | undefined {
  const value = env.CONSUL_HTTP_ADDR?.trim();
  return value ? consulBaseUrl(value) : undefined;
}

/** The agent CONSUL_HTTP_ADDR names (with CONSUL_HTTP_TOKEN, if set): only waited for, never started. */
export function consulExternalTarget(env: Env = process.env): ExternalTarget | undefined {
  const url = consulUrlFromEnv(env);
  if (!url) return undefined;
  const token = env.CONSUL_HTTP_TOKEN?.trim() || undefined;
  return {
    component: 'consul',
    variable: 'CONSUL_HTTP_ADDR',
    addresses: [url],
    readyTimeoutMs: envSeconds(env, 'GANTRY_CONSUL_READY_TIMEOUT', 60),
    probe: (timeoutMs) => probeConsul(url, token, timeoutMs),
  };
}
