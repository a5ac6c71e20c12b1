import type { ServiceInfo } from './kube-objects';

/** How Services are mapped to upstreams. */
export interface MappingRules {
  /** Annotations are `<prefix>/upstream`, `<prefix>/port`, `<prefix>/weight`. */
  readonly annotationPrefix: string;
  /** Map Services without the upstream annotation to `<namespace>.<name>` instead of ignoring them. */
  readonly mapUnannotated: boolean;
  /** Weight of a ready endpoint when the Service does not set one. */
  readonly weight: number;
}

/**
 * Which slice port carries the traffic: the one with this name (the Service port's name, which slices copy),
 * the one with this number (a target port), or the slice's only TCP port (a Service that declares none).
 */
export type PortRef =
  | { readonly by: 'name'; readonly name: string }
  | { readonly by: 'number'; readonly port: number }
  | { readonly by: 'only' };

export type ServiceMapping =
  /** No upstream annotation (and unannotated Services are not mapped). */
  | { readonly kind: 'ignored' }
  /** Meant for an upstream but unusable as it is; `problem` says why. */
  | { readonly kind: 'unmapped'; readonly upstream: string; readonly problem: string }
  | {
      readonly kind: 'mapped';
      readonly upstream: string;
      readonly port: PortRef;
      readonly weight: number;
      /** Something set wrong that was worked around (a bad weight annotation). */
      readonly problem?: string;
    };

const MAX_WEIGHT = 65535;

function portRef(service: ServiceInfo, annotation: string | undefined, key: string): PortRef | string {
  if (annotation !== undefined) {
    if (/^\d+$/.test(annotation)) {
      const port = Number(annotation);
      if (port < 1 || port > 65535) return `${key} ${JSON.stringify(annotation)} is not a port number`;
      const declared = service.ports.find((p) => p.port === port);
      // A Service port number names the port; any other number is taken as the endpoints' (target) port.
      return declared ? { by: 'name', name: declared.name } : { by: 'number', port };
    }
    if (service.ports.some((p) => p.name === annotation)) return { by: 'name', name: annotation };
    return `the Service has no port named ${JSON.stringify(annotation)} (${key})`;
  }
  if (service.ports.length === 0) return { by: 'only' };
  const tcp = service.ports.filter((p) => p.protocol === 'TCP');
  if (tcp.length === 1) return { by: 'name', name: tcp[0].name };
  if (tcp.length === 0) return 'the Service has no TCP port';
  return `the Service has ${tcp.length} TCP ports; name one with ${key}`;
}

/** Reads a Service's annotations into the upstream, port and weight its endpoints become targets with. */
export function mapService(service: ServiceInfo, rules: MappingRules): ServiceMapping {
  const prefix = rules.annotationPrefix;
  const annotated = service.annotations[`${prefix}/upstream`]?.trim();
  const upstream = annotated || (rules.mapUnannotated ? `${service.namespace}.${service.name}` : undefined);
  if (upstream === undefined) return { kind: 'ignored' };

  const portKey = `${prefix}/port`;
  const port = portRef(service, service.annotations[portKey]?.trim() || undefined, portKey);
  if (typeof port === 'string') return { kind: 'unmapped', upstream, problem: port };

  const weightKey = `${prefix}/weight`;
  const weightText = service.annotations[weightKey]?.trim();
  if (weightText === undefined || weightText === '') return { kind: 'mapped', upstream, port, weight: rules.weight };
  const weight = /^\d+$/.test(weightText) ? Number(weightText) : Number.NaN;
  if (weight <= MAX_WEIGHT) return { kind: 'mapped', upstream, port, weight };
  const problem = `${weightKey} ${JSON.stringify(weightText)} is not an integer 0..${MAX_WEIGHT}; using ${rules.weight}`;
  return { kind: 'mapped', upstream, port, weight: rules.weight, problem };
}
