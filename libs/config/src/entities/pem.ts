import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Parses a PEM certificate; `{ error }` in Kong's words when it does not parse. */
export function parseCertificate(pem: string): X509Certificate | { error: string } {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    return { error: `invalid certificate: ${reason(e)}` };
  }
}

/** Parses a PEM private key; `{ error }` in Kong's words when it does not parse. */
export function parsePrivateKey(pem: string): KeyObject | { error: string } {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    return { error: `invalid key: ${reason(e)}` };
  }
}

/** True when `pem` is a public (or private) key that node can load. */
export function isLoadableKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** Kong's `cert_digest`: lower-case hex sha256 of the DER certificate. */
export function certificateDigest(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

/** Number of `BEGIN CERTIFICATE` blocks in a PEM bundle. */
export function countCertificates(pem: string): number {
  return pem.split('-----BEGIN CERTIFICATE-----').length - 1;
}
