import type { AppliedChange, Entity, EntityKind } from '@gantry/config';

const CREDENTIAL_KINDS = new Set<EntityKind>([
  'keyauth_credentials',
  'basicauth_credentials',
  'jwt_secrets',
  'hmacauth_credentials',
  'acls',
]);

function consumerIdOf(entity: Entity): string | null {
  const ref = entity.consumer as { id?: unknown } | null | undefined;
  return ref !== null && ref !== undefined && typeof ref.id === 'string' ? ref.id : null;
}

/** A credential and the consumer it belongs to. */
export interface CredentialMatch {
  readonly credential: Entity;
  readonly consumer: Entity;
}

/**
 * Consumers, their credentials and acl groups, indexed the way auth plugins look them up (key, username, jwt
 * key) and kept current from the fold's changes, so a lookup on the request path is a map read.
 */
export class ConsumerDirectory {
  private readonly consumers = new Map<string, Entity>();
  private readonly consumersByUsername = new Map<string, Entity>();
  private readonly keyAuth = new Map<string, Entity>();
  private readonly basicAuth = new Map<string, Entity>();
  private readonly jwt = new Map<string, Entity>();
  private readonly hmacAuth = new Map<string, Entity>();
  private readonly aclsById = new Map<string, Entity>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Replaces everything with the entities of a (new) state. */
  load(entities: Partial<Record<EntityKind, Iterable<Entity>>>): void {
    for (const map of [
      this.consumers,
      this.consumersByUsername,
      this.keyAuth,
      this.basicAuth,
      this.jwt,
      this.hmacAuth,
      this.aclsById,
      this.groups,
    ]) {
      map.clear();
    }
    for (const e of entities.consumers ?? []) this.put('consumers', e);
    for (const kind of CREDENTIAL_KINDS) for (const e of entities[kind] ?? []) this.put(kind, e);
  }

  /** Applies one event's changes; changes of other kinds are ignored. */
  apply(changes: readonly AppliedChange[]): void {
    for (const change of changes) {
      if (change.kind !== 'consumers' && !CREDENTIAL_KINDS.has(change.kind)) continue;
      if (change.before !== null) this.drop(change.kind, change.before);
      if (change.after !== null) this.put(change.kind, change.after);
    }
  }

  /** True when the change touches consumers or credentials. */
  static concerns(kind: EntityKind): boolean {
    return kind === 'consumers' || CREDENTIAL_KINDS.has(kind);
  }

  consumer(id: string): Entity | undefined {
    return this.consumers.get(id);
  }

  /** Kong's `anonymous` and similar settings name a consumer by id or by username. */
  consumerByIdOrUsername(value: string): Entity | undefined {
    return this.consumers.get(value) ?? this.consumersByUsername.get(value);
  }

  /** A key-auth credential by key; expired ones (`ttl`) are not found. */
  byKey(key: string): CredentialMatch | undefined {
    const credential = this.keyAuth.get(key);
    if (credential === undefined) return undefined;
    const ttl = credential.ttl;
    if (typeof ttl === 'number' && ttl > 0) {
      const created = typeof credential.created_at === 'number' ? credential.created_at : 0;
      if (this.now() >= (created + ttl) * 1000) return undefined;
    }
    return this.withConsumer(credential);
  }

  /** A basic-auth credential by username (its `password` is the stored hash). */
  byBasicUsername(username: string): CredentialMatch | undefined {
    const credential = this.basicAuth.get(username);
    return credential === undefined ? undefined : this.withConsumer(credential);
  }

  /** A jwt credential by its `key` (what the token's `key_claim_name` claim holds). */
  byJwtKey(key: string): CredentialMatch | undefined {
    const credential = this.jwt.get(key);
    return credential === undefined ? undefined : this.withConsumer(credential);
  }

  /** An hmac-auth credential by username. */
  byHmacUsername(username: string): CredentialMatch | undefined {
    const credential = this.hmacAuth.get(username);
    return credential === undefined ? undefined : this.withConsumer(credential);
  }

  /** The acl groups of a consumer (empty when none). */
  groupsOf(consumerId: string): ReadonlySet<string> {
    return this.groups.get(consumerId) ?? EMPTY;
  }

  private withConsumer(credential: Entity): CredentialMatch | undefined {
    const id = consumerIdOf(credential);
    const consumer = id === null ? undefined : this.consumers.get(id);
    return consumer === undefined ? undefined : { credential, consumer };
  }

  private put(kind: EntityKind, e: Entity): void {
    switch (kind) {
      case 'consumers':
        this.consumers.set(e.id, e);
        if (typeof e.username === 'string') this.consumersByUsername.set(e.username, e);
        break;
      case 'keyauth_credentials':
        if (typeof e.key === 'string') this.keyAuth.set(e.key, e);
        break;
      case 'basicauth_credentials':
        if (typeof e.username === 'string') this.basicAuth.set(e.username, e);
        break;
      case 'jwt_secrets':
        if (typeof e.key === 'string') this.jwt.set(e.key, e);
        break;
      case 'hmacauth_credentials':
        if (typeof e.username === 'string') this.hmacAuth.set(e.username, e);
        break;
      case 'acls': {
        const consumer = consumerIdOf(e);
        if (consumer === null || typeof e.group !== 'string') break;
        this.aclsById.set(e.id, e);
        let set = this.groups.get(consumer);
        if (set === undefined) this.groups.set(consumer, (set = new Set()));
        set.add(e.group);
        break;
      }
      default:
        break;
    }
  }

  private drop(kind: EntityKind, e: Entity): void {
    const dropIf = (map: Map<string, Entity>, key: unknown): void => {
      if (typeof key === 'string' && map.get(key)?.id === e.id) map.delete(key);
    };
    switch (kind) {
      case 'consumers':
        this.consumers.delete(e.id);
        dropIf(this.consumersByUsername, e.username);
        break;
      case 'keyauth_credentials':
        dropIf(this.keyAuth, e.key);
        break;
      case 'basicauth_credentials':
        dropIf(this.basicAuth, e.username);
        break;
      case 'jwt_secrets':
        dropIf(this.jwt, e.key);
        break;
      case 'hmacauth_credentials':
        dropIf(this.hmacAuth, e.username);
        break;
      case 'acls': {
        this.aclsById.delete(e.id);
        const consumer = consumerIdOf(e);
        if (consumer === null || typeof e.group !== 'string') break;
        // Two acl entities cannot share consumer and group (cache key), so the group goes with this one.
        const set = this.groups.get(consumer);
        set?.delete(e.group);
        if (set !== undefined && set.size === 0) this.groups.delete(consumer);
        break;
      }
      default:
        break;
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set();
