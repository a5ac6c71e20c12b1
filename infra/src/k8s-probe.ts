import * as http from 'node:http';
import { kubeRequest } from './kube-http';
import { loadKubeconfig } from './kubeconfig';
import { withTimeout } from './readiness';

/** The API server of `kubeconfig` is ready when `GET /readyz` answers 200 (etcd included) with its credentials. */
export async function probeKubernetes(kubeconfig: string, timeoutMs = 5_000): Promise<string> {
  const access = loadKubeconfig(kubeconfig);
  const ready = await kubeRequest(access, 'GET', '/readyz', undefined, timeoutMs);
  if (ready.status !== 200) {
    throw new Error(`${access.server}/readyz answered ${ready.status}: ${ready.text.trim().slice(-300)}`);
  }
  const version = await kubeRequest(access, 'GET', '/version', undefined, timeoutMs);
  const gitVersion = version.status === 200 ? (JSON.parse(version.text) as { gitVersion?: string }).gitVersion : '?';
  return `kube-apiserver ${gitVersion ?? '?'} at ${access.server}, /readyz ok`;
}

/** etcd is ready when `GET /health` on its client URL says `"health":"true"`. */
export function probeEtcd(clientUrl: string, timeoutMs = 5_000): Promise<string> {
  const get = (pathname: string) =>
    new Promise<string>((resolve, reject) => {
      const request = http.get(new URL(pathname, clientUrl), { timeout: timeoutMs, agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(text)
            : reject(new Error(`${pathname} answered ${response.statusCode}`)),
        );
      });
      request.on('timeout', () => request.destroy(new Error(`${pathname} timed out`)));
      request.on('error', reject);
    });
  return withTimeout(
    (async () => {
      const health = JSON.parse(await get('/health')) as { health?: string };
      if (health.health !== 'true') throw new Error(`/health answered ${JSON.stringify(health)}`);
      const version = JSON.parse(await get('/version')) as { etcdserver?: string };
      return `etcd ${version.etcdserver ?? '?'}, healthy`;
    })(),
    timeoutMs,
    'etcd health check',
  );
}
