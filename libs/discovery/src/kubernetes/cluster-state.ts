import type { DesiredTarget, DesiredUpstream, UpstreamDefaults } from '../desired';
import type { ServiceInfo, SliceInfo } from './kube-objects';
import { mapService, type MappingRules, type ServiceMapping } from './service-mapping';
import { slicePort, sliceTargets } from './slice-targets';

/** A Service or slice change as a watch reports it. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A Service or slice the watcher cannot turn into targets, for `status()`. */
export interface MappingProblem {
  /** `service <namespace>/<name>` or `endpointslice <namespace>/<name>`. */
  readonly object: string;
  readonly upstream: string;
  readonly problem: string;
}

export type ClusterCounts = {
  readonly services: number;
  /** Services mapped to an upstream. */
  readonly mappedServices: number;
  readonly slices: number;
  /** Endpoints listed in all slices known (mapped or not). */
  readonly endpoints: number;
};

interface Known<T> {
  readonly info: T;
  /** The list-and-watch stream that reported it: a re-list of that stream replaces exactly these. */
  readonly stream: string;
}

interface KnownService extends Known<ServiceInfo> {
  readonly mapping: ServiceMapping;
}

const upstreamOf = (mapping: ServiceMapping | undefined): string | undefined =>
  mapping === undefined || mapping.kind === 'ignored' ? undefined : mapping.upstream;

/**
 * What the watcher knows of one cluster: Services (with their upstream mapping) and EndpointSlices, indexed by
 * the Service a slice belongs to. It answers which upstreams a change touches and the complete desired target
 * list of an upstream, which is all a sink needs.
 */
export class ClusterState {
  private readonly services = new Map<string, KnownService>();
  private readonly slices = new Map<string, Known<SliceInfo>>();
  private readonly slicesByService = new Map<string, Set<string>>();

  constructor(
    private readonly rules: MappingRules,
    private readonly tags: (service: ServiceInfo) => readonly string[],
    private readonly create: UpstreamDefaults | undefined,
  ) {}

  /** Replaces every Service `stream` reported with `items` (a fresh list). */
  replaceServices(stream: string, items: readonly ServiceInfo[]): void {
    for (const [key, known] of this.services) if (known.stream === stream) this.services.delete(key);
    for (const info of items) this.services.set(info.key, { info, stream, mapping: mapService(info, this.rules) });
  }

  /** Replaces every slice `stream` reported with `items` (a fresh list). */
  replaceSlices(stream: string, items: readonly SliceInfo[]): void {
    for (const [key, known] of this.slices) if (known.stream === stream) this.removeSlice(key);
    for (const info of items) this.addSlice(info, stream);
  }

  /** Applies a Service event; returns the upstreams whose targets may have changed. */
  applyService(stream: string, type: ChangeType, info: ServiceInfo): Set<string> {
    const touched = new Set<string>();
    const before = upstreamOf(this.services.get(info.key)?.mapping);
    if (before !== undefined) touched.add(before);
    if (type === 'DELETED') {
      this.services.delete(info.key);
    } else {
      const mapping = mapService(info, this.rules);
      this.services.set(info.key, { info, stream, mapping });
      const after = upstreamOf(mapping);
      if (after !== undefined) touched.add(after);
    }
    return touched;
  }

  /** Applies a slice event; returns the upstreams whose targets may have changed. */
  applySlice(stream: string, type: ChangeType, info: SliceInfo): Set<string> {
    const touched = new Set<string>();
    const add = (serviceKey: string | undefined) => {
      const upstream = upstreamOf(serviceKey === undefined ? undefined : this.services.get(serviceKey)?.mapping);
      if (upstream !== undefined) touched.add(upstream);
    };
    add(this.slices.get(info.key)?.info.serviceKey);
    this.removeSlice(info.key);
    if (type !== 'DELETED') {
      this.addSlice(info, stream);
      add(info.serviceKey);
    }
    return touched;
  }

  /** Every upstream a mapped Service names, sorted. */
  upstreamNames(): string[] {
    const names = new Set<string>();
    for (const { mapping } of this.services.values()) if (mapping.kind === 'mapped') names.add(mapping.upstream);
    return [...names].sort();
  }

  /** The complete desired state of `upstream`: the endpoints of every slice of every Service mapped to it. */
  desired(upstream: string): DesiredUpstream {
    const targets: DesiredTarget[] = [];
    for (const { info, mapping } of this.services.values()) {
      if (mapping.kind !== 'mapped' || mapping.upstream !== upstream) continue;
      const tags = this.tags(info);
      for (const slice of this.slicesOf(info.key)) {
        const port = slicePort(slice, mapping.port);
        if (port !== undefined) targets.push(...sliceTargets(slice, port, mapping.weight, tags));
      }
    }
    targets.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
    return this.create === undefined ? { name: upstream, targets } : { name: upstream, targets, create: this.create };
  }

  /** The desired state of every mapped upstream. */
  snapshot(): DesiredUpstream[] {
    return this.upstreamNames().map((name) => this.desired(name));
  }

  counts(): ClusterCounts {
    let mappedServices = 0;
    for (const { mapping } of this.services.values()) if (mapping.kind === 'mapped') mappedServices++;
    let endpoints = 0;
    for (const { info } of this.slices.values()) endpoints += info.endpoints.length;
    return { services: this.services.size, mappedServices, slices: this.slices.size, endpoints };
  }

  /** Annotated Services that cannot be mapped, bad annotations, and slices without the mapped port. */
  problems(): MappingProblem[] {
    const problems: MappingProblem[] = [];
    for (const { info, mapping } of this.services.values()) {
      if (mapping.kind === 'ignored') continue;
      const object = `service ${info.key}`;
      if (mapping.problem !== undefined)
        problems.push({ object, upstream: mapping.upstream, problem: mapping.problem });
      if (mapping.kind !== 'mapped') continue;
      for (const slice of this.slicesOf(info.key)) {
        if (slicePort(slice, mapping.port) !== undefined || slice.endpoints.length === 0) continue;
        const problem =
          mapping.port.by === 'only'
            ? 'the slice has no single TCP port to choose (the Service declares none)'
            : `the slice has no port named ${JSON.stringify(mapping.port.by === 'name' ? mapping.port.name : '')}`;
        problems.push({ object: `endpointslice ${slice.key}`, upstream: mapping.upstream, problem });
      }
    }
    return problems;
  }

  private slicesOf(serviceKey: string): SliceInfo[] {
    const keys = this.slicesByService.get(serviceKey);
    if (keys === undefined) return [];
    return [...keys].sort().flatMap((key) => {
      const known = this.slices.get(key);
      return known === undefined ? [] : [known.info];
    });
  }

  private addSlice(info: SliceInfo, stream: string): void {
    this.slices.set(info.key, { info, stream });
    if (info.serviceKey === undefined) return;
    let keys = this.slicesByService.get(info.serviceKey);
    if (keys === undefined) this.slicesByService.set(info.serviceKey, (keys = new Set()));
    keys.add(info.key);
  }

  private removeSlice(key: string): void {
    const known = this.slices.get(key);
    if (known === undefined) return;
    this.slices.delete(key);
    const serviceKey = known.info.serviceKey;
    if (serviceKey === undefined) return;
    const keys = this.slicesByService.get(serviceKey);
    keys?.delete(key);
    if (keys?.size === 0) this.slicesByService.delete(serviceKey);
  }
}
