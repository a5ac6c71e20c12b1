import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../../../test/support/app-process';
import { spawnChild } from '../child';
import { waitForHttp } from '../http';
import { UPSTREAM_BODY } from '../upstream-body';
import { renderNginxConfig } from './config';
import type { NginxBinary } from './fetch';

/** Idle keep-alive connections nginx keeps to the upstream: above the load tool's connection count. */
export const NGINX_UPSTREAM_KEEPALIVE = 64;

export interface RunningProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/** Runs case (b): `nginx -p <prefixDir> -c <conf> -g 'daemon off;'` in front of the upstream; ready once it forwards. */
export async function startNginx(options: {
  readonly binary: NginxBinary;
  readonly prefixDir: string;
  readonly upstreamPort: number;
}): Promise<RunningProxy> {
  const listenPort = await freePort();
  const conf = join(options.prefixDir, 'nginx.conf');
  await writeFile(
    conf,
    renderNginxConfig({
      prefixDir: options.prefixDir,
      listenPort,
      upstreamPort: options.upstreamPort,
      upstreamKeepalive: NGINX_UPSTREAM_KEEPALIVE,
    }),
  );
  const child = spawnChild({
    name: 'nginx',
    command: options.binary.path,
    args: ['-p', `${options.prefixDir}/`, '-c', conf, '-g', 'daemon off;'],
    env: options.binary.env,
  });
  const url = `http://127.0.0.1:${listenPort}/`;
  try {
    await waitForHttp(url, { child, timeoutMs: 15_000, accept: (a) => a.status === 200 && a.body === UPSTREAM_BODY });
  } catch (error) {
    const errorLog = await readFile(join(options.prefixDir, 'error.log'), 'utf8').catch(() => '');
    await child.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nnginx error.log:\n${errorLog}`);
  }
  return { url, stop: () => child.stop() };
}
