import { type PeerCertificate, checkServerIdentity } from 'node:tls';
import { isIP } from 'node:net';

/**
 * The SNI name for an upstream request: Kong sends `proxy_ssl_name $upstream_host`, the `Host` header it sends
 * upstream, without its port. IP literals get no SNI (''), as TLS forbids them there.
 */
export function serverNameFor(hostHeader: string): string {
  if (hostHeader.charCodeAt(0) === 91 /* [ */) return '';
  const colon = hostHeader.lastIndexOf(':');
  const name = colon === -1 ? hostHeader : hostHeader.slice(0, colon);
  return name === '' || isIP(name) !== 0 ? '' : name;
}

/**
 * A `checkServerIdentity` that also enforces nginx's `proxy_ssl_verify_depth` (Kong's `tls_verify_depth`): at
 * most `maxDepth` intermediate certificates between the upstream's certificate and the trust anchor. Node only
 * calls it once the chain verified against the trusted CAs.
 */
export function identityCheckWithDepth(maxDepth: number): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const identityError = checkServerIdentity(host, cert);
    if (identityError !== undefined) return identityError;
    const intermediates = Math.max(0, issuersAbove(cert) - 1);
    if (intermediates <= maxDepth) return undefined;
    const error = new Error(
      `upstream certificate chain has ${intermediates} intermediate certificates, tls_verify_depth allows ${maxDepth}`,
    ) as Error & { code: string };
    error.code = 'CERT_CHAIN_TOO_LONG';
    return error;
  };
}

/** Certificates above the leaf, the trust anchor included (Node links the verified chain for us). */
function issuersAbove(cert: PeerCertificate): number {
  let count = 0;
  let current = cert as PeerCertificate & { issuerCertificate?: PeerCertificate };
  for (;;) {
    const issuer = current.issuerCertificate;
    if (issuer === undefined || issuer === current || issuer.fingerprint256 === current.fingerprint256) return count;
    count++;
    current = issuer;
  }
}
