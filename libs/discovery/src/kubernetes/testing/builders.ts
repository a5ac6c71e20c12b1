import type { KubeEndpointSlice, KubeService } from '../kube-api';
import { SERVICE_NAME_LABEL } from '../kube-objects';

export interface PortSpec {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number;
  readonly protocol?: string;
}

/** A Service as the API takes it (and returns it, with more fields). */
export function serviceObject(
  namespace: string,
  name: string,
  options: {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    ports?: readonly PortSpec[];
  } = {},
): KubeService {
  const ports = options.ports ?? [{ name: 'http', port: 80, targetPort: 8080 }];
  return {
    metadata: { namespace, name, annotations: options.annotations ?? {}, labels: options.labels ?? {} },
    spec: {
      ports: ports.map((p) => ({
        ...(p.name === undefined ? {} : { name: p.name }),
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  };
}

/** One endpoint: conditions left out are left unset (as the API allows). */
export interface EndpointSpec {
  readonly ip: string | readonly string[];
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
}

/** An EndpointSlice of `service`, as the EndpointSlice controller would write it. */
export function sliceObject(
  namespace: string,
  name: string,
  service: string | undefined,
  endpoints: readonly EndpointSpec[],
  options: { ports?: readonly PortSpec[]; addressType?: string; labels?: Record<string, string> } = {},
): KubeEndpointSlice {
  const ports = options.ports ?? [{ name: 'http', port: 8080 }];
  const labels = { ...(service === undefined ? {} : { [SERVICE_NAME_LABEL]: service }), ...options.labels };
  return {
    metadata: { namespace, name, labels },
    addressType: options.addressType ?? 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((e) => {
      const conditions: { ready?: boolean; serving?: boolean; terminating?: boolean } = {};
      if (e.ready !== undefined) conditions.ready = e.ready;
      if (e.serving !== undefined) conditions.serving = e.serving;
      if (e.terminating !== undefined) conditions.terminating = e.terminating;
      return { addresses: typeof e.ip === 'string' ? [e.ip] : [...e.ip], conditions };
    }),
  };
}
