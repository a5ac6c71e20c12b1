import { ConsulSource, KubernetesSource, consulConnectionFromEnv, loadClientNodeKubeApi } from '@gantry/discovery';
import { basename } from 'node:path';
import type { Logger } from '@gantry/logging';
import { DiscoveryConfigError, type DiscoveryConfig } from '../config/discovery-config';
import type { RunnableSource } from '../runner/discovery-runner';
import { entryOptions } from './entry-options';

const CONSUL_OPTIONS: Readonly<Record<string, readonly string[] | true>> = {
  address: true,
  datacenter: true,
  name: true,
  token: true,
  token_file: true,
  tls: ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify'],
  mapping: ['tag_prefix', 'meta_key', 'by_service_name', 'exclude_services', 'weight_tag_prefix'],
  include_warning: true,
  upstream_defaults: true,
  consistency: true,
  wait_ms: true,
  min_query_interval_ms: true,
  request_timeout_ms: true,
};

function consulSource(entry: Record<string, unknown>, where: string, logger: Logger): RunnableSource {
  const options = entryOptions(entry, where, CONSUL_OPTIONS, ['upstream_defaults']);
  try {
    // CONSUL_HTTP_* (address, token, TLS files) are the defaults, as for Consul's own CLI.
    return new ConsulSource({
      ...consulConnectionFromEnv(),
      datacenter: 'dc1',
      ...options,
      logger,
    });
  } catch (error) {
    throw new DiscoveryConfigError(`${where}: ${(error as Error).message}`);
  }
}

const KUBERNETES_OPTIONS: Readonly<Record<string, readonly string[] | true>> = {
  kubeconfig: true,
  context: true,
  cluster: true,
  namespaces: true,
  label_selector: true,
  endpoint_slice_label_selector: true,
  annotation_prefix: true,
  map_unannotated: true,
  weight: true,
  upstream_defaults: true,
  watch_timeout_seconds: true,
  request_timeout_ms: true,
};

function kubernetesSource(entry: Record<string, unknown>, where: string, logger: Logger): RunnableSource {
  const { kubeconfig, context, cluster, ...options } = entryOptions(entry, where, KUBERNETES_OPTIONS, [
    'upstream_defaults',
  ]);
  if (typeof kubeconfig !== 'string' || kubeconfig === '') {
    throw new DiscoveryConfigError(`${where}.kubeconfig: required (the path of a kubeconfig file)`);
  }
  try {
    // client-node is loaded here, on first use: it is an ES module that only a plain Node process can require.
    const api = loadClientNodeKubeApi({
      kubeconfigPath: kubeconfig,
      ...(typeof context === 'string' ? { context } : {}),
    });
    return new KubernetesSource({
      cluster: typeof cluster === 'string' ? cluster : basename(kubeconfig).replace(/\.[^.]*$/, '') || 'default',
      api,
      ...options,
      logger,
    });
  } catch (error) {
    throw new DiscoveryConfigError(`${where}: ${(error as Error).message}`);
  }
}

/** The sources the config names, built and checked (a bad entry stops start-up with a message naming it). */
export function buildSources(config: DiscoveryConfig, logger: Logger): RunnableSource[] {
  const sources: RunnableSource[] = [];
  config.consul.forEach((entry, i) => sources.push(consulSource(entry, `discovery consul[${i}]`, logger)));
  config.kubernetes.forEach((entry, i) => sources.push(kubernetesSource(entry, `discovery kubernetes[${i}]`, logger)));
  const ids = new Set<string>();
  for (const source of sources) {
    if (ids.has(source.id)) throw new DiscoveryConfigError(`two discovery sources share the id '${source.id}'`);
    ids.add(source.id);
  }
  return sources;
}
