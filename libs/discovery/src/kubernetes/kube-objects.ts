import type { KubeEndpointSlice, KubeMeta, KubeService, KubeStatus } from './kube-api';

/** The label the EndpointSlice controller puts on a slice: the name of its Service (same namespace). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** A Service port, as the watcher uses it. */
export interface ServicePort {
  /** `''` for the unnamed port of a single-port Service. */
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

/** A Service, as the watcher uses it. */
export interface ServiceInfo {
  /** `<namespace>/<name>`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
}

/** One endpoint of a slice with its conditions resolved as the API documents unset values. */
export interface SliceEndpoint {
  readonly addresses: readonly string[];
  /** Unset means unknown, taken as ready. */
  readonly ready: boolean;
  /** Unset means unknown, taken as serving. */
  readonly serving: boolean;
  /** Unset means not terminating. */
  readonly terminating: boolean;
}

/** A slice port: the port the endpoints listen on, named like the Service port it serves. */
export interface SlicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

/** An EndpointSlice, as the watcher uses it. */
export interface SliceInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** `<namespace>/<service>` from the `kubernetes.io/service-name` label; undefined without it. */
  readonly serviceKey: string | undefined;
  readonly addressType: string;
  readonly ports: readonly SlicePort[];
  readonly endpoints: readonly SliceEndpoint[];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** The API's optional lists (absent, null, or, from a broken server, not a list at all) as a list. */
function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  const isList: (v: unknown) => v is readonly T[] = Array.isArray;
  return isList(value) ? value : [];
}

const validPort = (port: unknown): port is number =>
  typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;

/** `<namespace>/<name>` of an object; `/<name>` for a cluster-scoped one. */
export function objectKey(metadata: KubeMeta | undefined): string {
  return `${text(metadata?.namespace)}/${text(metadata?.name)}`;
}

export function resourceVersionOf(object: { readonly metadata?: KubeMeta } | undefined): string | undefined {
  const rv = object?.metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

export function readService(raw: KubeService): ServiceInfo {
  const namespace = text(raw.metadata?.namespace);
  const name = text(raw.metadata?.name);
  const ports = list(raw.spec?.ports)
    .filter((p) => validPort(p?.port))
    .map((p) => ({ name: text(p.name), port: p.port as number, protocol: text(p.protocol) || 'TCP' }));
  return { key: `${namespace}/${name}`, namespace, name, annotations: stringMap(raw.metadata?.annotations), ports };
}

export function readSlice(raw: KubeEndpointSlice): SliceInfo {
  const namespace = text(raw.metadata?.namespace);
  const name = text(raw.metadata?.name);
  const service = stringMap(raw.metadata?.labels)[SERVICE_NAME_LABEL];
  const ports = list(raw.ports)
    .filter((p) => validPort(p?.port))
    .map((p) => ({ name: text(p.name), port: p.port as number, protocol: text(p.protocol) || 'TCP' }));
  const endpoints = list(raw.endpoints).map((e) => ({
    addresses: list(e?.addresses).filter((a): a is string => typeof a === 'string' && a !== ''),
    ready: e?.conditions?.ready !== false,
    serving: e?.conditions?.serving !== false,
    terminating: e?.conditions?.terminating === true,
  }));
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    serviceKey: service ? `${namespace}/${service}` : undefined,
    addressType: text(raw.addressType),
    ports,
    endpoints,
  };
}

/** The `Status` of a watch `ERROR` event, or undefined when the object is not one. */
export function readStatus(raw: unknown): KubeStatus | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const status = raw as KubeStatus;
  return typeof status.code === 'number' || typeof status.message === 'string' ? status : undefined;
}
