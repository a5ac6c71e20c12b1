import type { DesiredTarget } from '../desired';
import type { SliceEndpoint, SliceInfo } from './kube-objects';
import type { PortRef } from './service-mapping';

/** The port of `slice` that `ref` designates, or undefined when the slice has none that fits. */
export function slicePort(slice: SliceInfo, ref: PortRef): number | undefined {
  switch (ref.by) {
    case 'name':
      return slice.ports.find((p) => p.name === ref.name)?.port;
    case 'number':
      return ref.port;
    case 'only': {
      const tcp = slice.ports.filter((p) => p.protocol === 'TCP');
      return tcp.length === 1 ? tcp[0].port : undefined;
    }
  }
}

/** `ip:port`, with an IPv6 address in brackets. */
export function targetAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Ready, serving, not terminating: gets traffic. Anything else that is still listed (terminating, not serving,
 * not ready yet) is drained: kept as a target with weight 0 until it leaves the slice.
 */
export function endpointWeight(endpoint: SliceEndpoint, weight: number): number {
  return endpoint.ready && endpoint.serving && !endpoint.terminating ? weight : 0;
}

/** The targets of one slice: every address of every endpoint on the mapped port. */
export function sliceTargets(slice: SliceInfo, port: number, weight: number, tags: readonly string[]): DesiredTarget[] {
  return slice.endpoints.flatMap((endpoint) =>
    endpoint.addresses.map((address) => ({
      target: targetAddress(address, port),
      weight: endpointWeight(endpoint, weight),
      tags,
    })),
  );
}
