import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Entity } from '@gantry/config';
import { decodeBase64UrlKong } from '../shared/base64';

/** What jose verifies a signature with: HMAC secret bytes, or a public key. */
export type VerificationKey = KeyObject | Uint8Array;

/**
 * The key each jwt credential verifies with, made once per credential entity (entities are replaced, never
 * mutated, when a credential changes, so a WeakMap never serves a stale key and never holds a deleted one).
 */
export class VerificationKeys {
  private readonly keys = new WeakMap<Entity, VerificationKey | null>();

  constructor(private readonly secretIsBase64: boolean) {}

  /**
   * The HMAC secret (`HS*`) or the public key (`rsa_public_key`, whatever its type) of a credential; null when
   * it is missing or unusable, Kong's "Invalid key/secret".
   */
  of(credential: Entity, algorithm: string): VerificationKey | null {
    let key = this.keys.get(credential);
    if (key === undefined) {
      key = this.make(credential, algorithm);
      this.keys.set(credential, key);
    }
    return key;
  }

  private make(credential: Entity, algorithm: string): VerificationKey | null {
    const hmac = algorithm.startsWith('HS');
    const value = hmac ? credential.secret : credential.rsa_public_key;
    if (typeof value !== 'string') return null;
    const material = this.secretIsBase64 ? decodeBase64UrlKong(value) : Buffer.from(value);
    if (material === null) return null;
    if (hmac) return new Uint8Array(material);
    try {
      return createPublicKey(material);
    } catch {
      return null;
    }
  }
}
