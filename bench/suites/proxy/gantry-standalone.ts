import { freePorts } from '../../../test/support/app-process';
import { spawnChild } from './child';
import { gantryCommand } from './gantry-build';
import { postJson, waitForHttp } from './http';
import type { RunningProxy } from './nginx/server';
import { UPSTREAM_BODY } from './upstream-body';

const SERVICE = 'bench-upstream';
/** How long a created route may take to route traffic on the same process before the case gives up. */
const FORWARD_TIMEOUT_MS = 15_000;

/** Environment shared by every Gantry process the suite starts: one proxy worker, no TLS listener, quiet logs. */
export const GANTRY_BENCH_ENV: Readonly<Record<string, string>> = {
  GANTRY_PROXY_WORKERS: '1',
  GANTRY_PROXY_TLS_LISTEN: 'off',
  GANTRY_LOG_LEVEL: 'warn',
};

/** A stable, greppable marker: the case fails with it until the proxy forwards requests. */
export const NOT_FORWARDING = 'GANTRY_PROXY_NOT_FORWARDING';

/**
 * Runs case (d): the built standalone app (admin, proxy and discovery in one process, embedded log and store)
 * with no plugins, a service pointing at the upstream and a route `/` to it, created through the Admin API.
 * Resolves once the proxy answers GET / with the upstream's body; fails clearly if it keeps answering 404.
 */
export async function startGantryStandalone(options: {
  readonly upstreamUrl: string;
  readonly dataDir: string;
  readonly log: (msg: string) => void;
  /** More config to create through the Admin API once the service and route `/` exist (other suites). */
  readonly setup?: (adminUrl: string) => Promise<void>;
}): Promise<RunningProxy> {
  const command = await gantryCommand('standalone', options.log);
  const [proxyPort, adminPort, statusPort, discoveryPort] = await freePorts(4);
  const child = spawnChild({
    name: 'gantry standalone',
    command: process.execPath,
    args: command.args,
    env: {
      ...command.env,
      ...GANTRY_BENCH_ENV,
      GANTRY_DATA_DIR: options.dataDir,
      GANTRY_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      GANTRY_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      GANTRY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
      GANTRY_DISCOVERY_STATUS_LISTEN: `127.0.0.1:${discoveryPort}`,
    },
  });
  const admin = `http://127.0.0.1:${adminPort}`;
  const url = `http://127.0.0.1:${proxyPort}/`;
  try {
    await waitForHttp(`${admin}/health`, { child, timeoutMs: 60_000, accept: (a) => a.status === 200 });
    await postJson(`${admin}/services`, { name: SERVICE, url: options.upstreamUrl });
    await postJson(`${admin}/services/${SERVICE}/routes`, { paths: ['/'] });
    await options.setup?.(admin);
    await waitForHttp(url, {
      child,
      timeoutMs: FORWARD_TIMEOUT_MS,
      accept: (a) => a.status === 200 && a.body === UPSTREAM_BODY,
      explain: (last) =>
        last?.status === 404
          ? `${NOT_FORWARDING}: Gantry's proxy still answers 404 to GET / ${FORWARD_TIMEOUT_MS / 1000} s after the ` +
            `Admin API acknowledged service ${SERVICE} (${options.upstreamUrl}) and route "/" to it, so it does ` +
            `not forward requests yet (issue 4's forwarding engine); nothing was measured for Gantry. ` +
            `Last answer: ${last.body.slice(0, 200)}`
          : undefined,
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, stop: () => child.stop() };
}
