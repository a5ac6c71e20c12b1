import { createSecureContext, type SecureContext } from 'node:tls';
import type { AppliedChange, Entity } from '@gantry/config';

interface StoredCertificate {
  readonly entity: Entity;
  /** Built on first use: creating a context parses PEMs and costs about a millisecond. */
  context: SecureContext | undefined;
}

/**
 * The certificates and SNIs of the config, as TLS contexts chosen by server name. Changes apply per entity,
 * so a certificate rotation takes effect on the next handshake without a restart or a rebuild of the rest.
 *
 * Lookup order follows Kong: the exact name, then a leading wildcard (`*.example.com`), then a trailing one
 * (`example.*`); anything else gets the default certificate.
 */
export class CertificateStore {
  private readonly certificates = new Map<string, StoredCertificate>();
  /** sni name → certificate id, for exact names. */
  private readonly exact = new Map<string, string>();
  /** `*.example.com` stored as `example.com`. */
  private readonly leadingWildcards = new Map<string, string>();
  /** `example.*` stored as `example`. */
  private readonly trailingWildcards = new Map<string, string>();
  /** sni id → name, so an update or delete can find the entry it replaces. */
  private readonly sniNames = new Map<string, string>();

  constructor(private defaultContext: SecureContext) {}

  /** Replaces everything with these certificates and SNIs (boot, or a reload after a snapshot). */
  load(certificates: Iterable<Entity>, snis: Iterable<Entity>): void {
    for (const map of [this.certificates, this.exact, this.leadingWildcards, this.trailingWildcards, this.sniNames]) {
      map.clear();
    }
    for (const certificate of certificates) this.upsertCertificate(certificate);
    for (const sni of snis) this.upsertSni(sni);
  }

  /** Applies the certificate and SNI changes of one folded event; other kinds are ignored. */
  apply(changes: readonly AppliedChange[]): void {
    for (const change of changes) {
      if (change.kind === 'certificates') {
        if (change.after) this.upsertCertificate(change.after);
        else this.certificates.delete(change.key);
      } else if (change.kind === 'snis') {
        if (change.after) this.upsertSni(change.after);
        else this.removeSni(change.key);
      }
    }
  }

  setDefault(context: SecureContext): void {
    this.defaultContext = context;
  }

  /** The context for a client's server name (lower-cased by the caller or here), or the default one. */
  contextFor(serverName: string | undefined): SecureContext {
    if (!serverName) return this.defaultContext;
    const name = serverName.toLowerCase();
    const id = this.exact.get(name) ?? this.wildcardMatch(name);
    if (id === undefined) return this.defaultContext;
    const stored = this.certificates.get(id);
    if (stored === undefined) return this.defaultContext;
    stored.context ??= buildContext(stored.entity);
    return stored.context;
  }

  /** The `SNICallback` of the TLS listener. */
  readonly sniCallback = (serverName: string, done: (error: Error | null, context?: SecureContext) => void): void => {
    try {
      done(null, this.contextFor(serverName));
    } catch (error) {
      // A certificate that cannot be loaded fails that handshake only, never the listener.
      done(error as Error);
    }
  };

  private wildcardMatch(name: string): string | undefined {
    const dot = name.indexOf('.');
    if (dot > 0) {
      const leading = this.leadingWildcards.get(name.slice(dot + 1));
      if (leading !== undefined) return leading;
    }
    const last = name.lastIndexOf('.');
    return last > 0 ? this.trailingWildcards.get(name.slice(0, last)) : undefined;
  }

  private upsertCertificate(entity: Entity): void {
    this.certificates.set(entity.id, { entity, context: undefined });
  }

  private upsertSni(entity: Entity): void {
    this.removeSni(entity.id);
    const name = (entity.name as string).toLowerCase();
    const certificate = (entity.certificate as { id: string } | null)?.id;
    if (certificate === undefined) return;
    this.sniNames.set(entity.id, name);
    this.indexFor(name).set(keyOf(name), certificate);
  }

  private removeSni(id: string): void {
    const name = this.sniNames.get(id);
    if (name === undefined) return;
    this.sniNames.delete(id);
    this.indexFor(name).delete(keyOf(name));
  }

  private indexFor(name: string): Map<string, string> {
    if (name.startsWith('*.')) return this.leadingWildcards;
    if (name.endsWith('.*')) return this.trailingWildcards;
    return this.exact;
  }
}

function keyOf(name: string): string {
  if (name.startsWith('*.')) return name.slice(2);
  if (name.endsWith('.*')) return name.slice(0, -2);
  return name;
}

/** A context serving `cert`/`key`, plus `cert_alt`/`key_alt` (an ECDSA and an RSA pair side by side). */
export function buildContext(entity: Entity): SecureContext {
  const cert = [entity.cert as string];
  const key = [entity.key as string];
  if (typeof entity.cert_alt === 'string' && typeof entity.key_alt === 'string') {
    cert.push(entity.cert_alt);
    key.push(entity.key_alt);
  }
  return createSecureContext({ cert, key });
}
