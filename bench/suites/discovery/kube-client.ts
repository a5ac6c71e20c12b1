import { Agent, request } from 'node:https';
import { loadKubeconfig, type KubeAccess } from '@gantry/infra';
import type { EndpointSpec } from '../../../libs/discovery/src/kubernetes/testing/builders';
import { serviceObject, sliceObject } from '../../../libs/discovery/src/kubernetes/testing/builders';

/**
 * The kube-apiserver calls of the Kubernetes case, in one namespace of its own, over one keep-alive TLS connection
 * (a flip's clock then holds one request, not a TLS handshake). No controller-manager runs: the bench writes the
 * EndpointSlices itself, as the EndpointSlice controller would, and removes the namespace itself.
 */
export class KubeClient {
  private readonly access: KubeAccess;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    kubeconfig: string,
    readonly namespace: string,
  ) {
    this.access = loadKubeconfig(kubeconfig);
  }

  private get slices(): string {
    return `/apis/discovery.k8s.io/v1/namespaces/${this.namespace}/endpointslices`;
  }

  private get services(): string {
    return `/api/v1/namespaces/${this.namespace}/services`;
  }

  /** One call; resolves with the status and body, rejects on network errors. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const { access } = this;
    if (!access.server.startsWith('https:')) throw new Error(`expected an https API server, got ${access.server}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (access.token) headers.authorization = `Bearer ${access.token}`;
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, `${access.server}/`),
        {
          method,
          headers,
          agent: this.agent,
          timeout: 10_000,
          ca: access.ca,
          cert: access.clientCert,
          key: access.clientKey,
          rejectUnauthorized: !access.insecureSkipTlsVerify,
          servername: access.tlsServerName,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async must(method: string, path: string, body?: unknown): Promise<void> {
    const answer = await this.call(method, path, body);
    if (answer.status >= 300) throw new Error(`kube ${method} ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
  }

  async createNamespace(): Promise<void> {
    await this.must('POST', '/api/v1/namespaces', { metadata: { name: this.namespace } });
  }

  /** A Service mapped to `upstream`, its endpoints' port taken from the slice port named `http`. */
  async createService(name: string, upstream: string): Promise<void> {
    await this.must(
      'POST',
      this.services,
      serviceObject(this.namespace, name, {
        annotations: { 'gantry.io/upstream': upstream, 'gantry.io/port': 'http' },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      }),
    );
  }

  /**
   * Creates or replaces (an unconditional PUT: one request, no read first) the slice `name` of `service`, with
   * one endpoint on `port`.
   */
  async putSlice(name: string, service: string, endpoint: EndpointSpec, port: number, create = false): Promise<void> {
    const slice = sliceObject(this.namespace, name, service, [endpoint], { ports: [{ name: 'http', port }] });
    if (create) await this.must('POST', this.slices, slice);
    else await this.must('PUT', `${this.slices}/${name}`, slice);
  }

  /** Deletes the slices and Services, then the namespace, and finalizes it (no namespace controller runs). */
  async removeNamespace(): Promise<void> {
    await this.call('DELETE', this.slices);
    const list = await this.call('GET', this.services);
    if (list.status === 200) {
      for (const item of (JSON.parse(list.text) as { items: { metadata?: { name?: string } }[] }).items) {
        if (item.metadata?.name !== undefined) await this.call('DELETE', `${this.services}/${item.metadata.name}`);
      }
    }
    await this.call('DELETE', `/api/v1/namespaces/${this.namespace}`);
    await this.call('PUT', `/api/v1/namespaces/${this.namespace}/finalize`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.namespace },
      spec: { finalizers: [] },
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
