import type { AppliedChange, ConfigState, Entity } from '@gantry/config';
import type { BalancerDeps } from '@gantry/balancer';
import { ServiceForwarder, type ForwarderOptions, type ServiceTls } from '../forwarding';
import { CompiledService } from './compiled-service';

/**
 * Compiled services by id, kept in step with the config one change at a time. A service is recompiled when it,
 * or a CA certificate or client certificate it names, changes; the others are left alone.
 */
export class ServiceTable {
  private readonly services = new Map<string, CompiledService>();

  constructor(
    private readonly forwarderOptions: ForwarderOptions,
    private readonly balancerDeps: BalancerDeps,
    private readonly onError: (error: unknown, service: Entity) => void,
  ) {}

  get(id: string): CompiledService | undefined {
    return this.services.get(id);
  }

  get size(): number {
    return this.services.size;
  }

  values(): IterableIterator<CompiledService> {
    return this.services.values();
  }

  load(state: ConfigState): void {
    for (const id of [...this.services.keys()]) this.remove(id);
    for (const service of state.entities.services.values()) this.upsert(service, state);
  }

  /** Applies the changes of one folded event; `state` is the config after it. */
  apply(changes: readonly AppliedChange[], state: ConfigState): void {
    for (const change of changes) {
      if (change.kind === 'services') {
        if (change.after) this.upsert(change.after, state);
        else this.remove(change.key);
      } else if (change.kind === 'ca_certificates' || change.kind === 'certificates') {
        this.recompileUsers(change.kind, change.key, state);
      }
    }
  }

  close(): void {
    for (const compiled of this.services.values()) compiled.destroy();
    this.services.clear();
  }

  private recompileUsers(kind: 'ca_certificates' | 'certificates', id: string, state: ConfigState): void {
    for (const compiled of [...this.services.values()]) {
      const service = compiled.entity;
      const uses =
        kind === 'certificates'
          ? (service.client_certificate as { id: string } | null)?.id === id
          : Array.isArray(service.ca_certificates) && service.ca_certificates.includes(id);
      if (uses) this.upsert(state.entities.services.get(compiled.id) ?? service, state);
    }
  }

  private upsert(service: Entity, state: ConfigState): void {
    let compiled: CompiledService;
    try {
      compiled = this.compile(service, state);
    } catch (error) {
      // A service the proxy cannot use (e.g. a protocol it does not forward) answers 502s; the rest still serve.
      this.onError(error, service);
      this.remove(service.id);
      return;
    }
    const previous = this.services.get(service.id);
    this.services.set(service.id, compiled);
    previous?.retire();
  }

  private remove(id: string): void {
    const previous = this.services.get(id);
    if (previous === undefined) return;
    this.services.delete(id);
    previous.retire();
  }

  private compile(service: Entity, state: ConfigState): CompiledService {
    const forwarder = new ServiceForwarder(service, tlsOf(service, state), this.forwarderOptions);
    return new CompiledService(service, forwarder, this.balancerDeps);
  }
}

function tlsOf(service: Entity, state: ConfigState): ServiceTls {
  const caIds = Array.isArray(service.ca_certificates) ? (service.ca_certificates as string[]) : [];
  const caCertificates = caIds
    .map((id) => state.entities.ca_certificates.get(id)?.cert)
    .filter((cert): cert is string => typeof cert === 'string');
  const clientId = (service.client_certificate as { id: string } | null)?.id;
  const client = clientId === undefined ? undefined : state.entities.certificates.get(clientId);
  return {
    caCertificates,
    clientCertificate: client ? { cert: client.cert as string, key: client.key as string } : null,
  };
}
