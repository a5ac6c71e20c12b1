/**
 * A namespace of its own on the test run's kube-apiserver (KUBECONFIG), and the API calls tests make in it.
 * No controller-manager runs there: tests write the EndpointSlices themselves, as the EndpointSlice controller
 * would, and remove the namespace themselves (no namespace controller empties it or lifts its finalizer).
 */
import { kubeRequest, loadKubeconfig, type KubeAccess } from '../../infra/src';
import type { KubeEndpointSlice, KubeService } from '@gantry/discovery';
import { sliceObject, type EndpointSpec, type PortSpec } from '../../libs/discovery/src/kubernetes/testing/builders';
import { kubeconfigPath } from './infra-env';

export class KubeNamespace {
  readonly access: KubeAccess;

  /** `name` must be a DNS-1123 label, unique to the run. */
  constructor(readonly name: string) {
    this.access = loadKubeconfig(kubeconfigPath());
  }

  get slicesPath(): string {
    return `/apis/discovery.k8s.io/v1/namespaces/${this.name}/endpointslices`;
  }

  get servicesPath(): string {
    return `/api/v1/namespaces/${this.name}/services`;
  }

  /** One API call that must succeed (status < 300); its JSON answer. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await kubeRequest(this.access, method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return JSON.parse(response.text) as unknown;
  }

  /** Creates the namespace. An unreachable or refusing API server throws: the tests fail, never skip. */
  async create(): Promise<void> {
    await this.request('POST', '/api/v1/namespaces', { metadata: { name: this.name } });
  }

  async createService(service: KubeService): Promise<void> {
    await this.request('POST', this.servicesPath, service);
  }

  /** Creates or replaces the slice `name` of `service`. */
  async putSlice(
    name: string,
    service: string,
    endpoints: EndpointSpec[],
    options: { ports?: readonly PortSpec[] } = {},
  ): Promise<void> {
    const slice = sliceObject(this.name, name, service, endpoints, options);
    const existing = await kubeRequest(this.access, 'GET', `${this.slicesPath}/${name}`);
    if (existing.status === 404) {
      await this.request('POST', this.slicesPath, slice);
    } else {
      const { metadata } = JSON.parse(existing.text) as KubeEndpointSlice;
      await this.request('PUT', `${this.slicesPath}/${name}`, {
        ...slice,
        metadata: { ...slice.metadata, ...metadata },
      });
    }
  }

  async deleteSlice(name: string): Promise<void> {
    await this.request('DELETE', `${this.slicesPath}/${name}`);
  }

  /** Deletes every slice and Service, then the namespace, and finalizes it so that nothing is left in etcd. */
  async remove(): Promise<void> {
    await kubeRequest(this.access, 'DELETE', this.slicesPath);
    const services = await kubeRequest(this.access, 'GET', this.servicesPath);
    if (services.status === 200) {
      for (const item of (JSON.parse(services.text) as { items: KubeService[] }).items) {
        const name = item.metadata?.name;
        if (name !== undefined) await kubeRequest(this.access, 'DELETE', `${this.servicesPath}/${name}`);
      }
    }
    await kubeRequest(this.access, 'DELETE', `/api/v1/namespaces/${this.name}`);
    await kubeRequest(this.access, 'PUT', `/api/v1/namespaces/${this.name}/finalize`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.name },
      spec: { finalizers: [] },
    });
  }
}
