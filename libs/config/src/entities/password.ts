import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = '$scrypt$';
const DEFAULTS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// Refuse parameters that would make a single verification take seconds or gigabytes.
const MAX_N = 2 ** 20;
const MAX_RP = 64;
const FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Buffer {
  return scryptSync(password.normalize('NFC'), salt, length, scryptOptions(N, r, p));
}

function parse(stored: string): ParsedHash | undefined {
  const m = FORMAT.exec(stored);
  if (m === null) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > MAX_RP || p < 1 || p > MAX_RP) return undefined;
  const salt = Buffer.from(m[4], 'base64');
  const hash = Buffer.from(m[5], 'base64');
  if (salt.length === 0 || hash.length === 0) return undefined;
  return { N, r, p, salt, hash };
}

/**
 * Hashes a basic-auth password with scrypt into a self-describing string,
 * `$scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>`, so parameters can change without a migration.
 */
export function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const { N, r, p } = DEFAULTS;
  const hash = derive(password, salt, N, r, p, KEY_LENGTH);
  return `${PREFIX}N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a string made by {@link hashPassword}; false for anything malformed. */
export function verifyPassword(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  const candidate = derive(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * {@link verifyPassword} without blocking the event loop: scrypt runs on libuv's thread pool. Resolves false for
 * anything malformed; never rejects.
 */
export function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined) return Promise.resolve(false);
  const { N, r, p, salt, hash } = parsed;
  return new Promise((resolve) => {
    scrypt(password.normalize('NFC'), salt, hash.length, scryptOptions(N, r, p), (error, candidate) => {
      resolve(error === null && timingSafeEqual(candidate, hash));
    });
  });
}

/** True when the value is already a password hash in our format (so it is stored as is, never re-hashed). */
export function isPasswordHash(value: string): boolean {
  return parse(value) !== undefined;
}
