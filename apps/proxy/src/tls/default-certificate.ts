import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generate } from 'selfsigned';
import type { Settings } from '@gantry/settings';

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/**
 * The certificate served when no SNI matches: the configured files, or, like Kong, a self-signed one made on
 * first start and kept in the data directory so every restart (and every worker) serves the same one.
 */
export async function loadDefaultCertificate(settings: Settings): Promise<PemPair> {
  const { tlsCertFile, tlsKeyFile } = settings.proxy;
  if (tlsCertFile !== undefined || tlsKeyFile !== undefined) {
    if (tlsCertFile === undefined || tlsKeyFile === undefined) {
      throw new Error('GANTRY_PROXY_TLS_CERT and GANTRY_PROXY_TLS_KEY must be set together');
    }
    return { cert: await readFile(tlsCertFile, 'utf8'), key: await readFile(tlsKeyFile, 'utf8') };
  }
  // Key and certificate share one file, renamed into place, so concurrent starts never pair mismatched halves.
  const path = join(settings.dataDir, 'tls', 'default.pem');
  try {
    return splitPem(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
  });
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, pems.private + pems.cert, { mode: 0o600 });
  await rename(temp, path);
  return splitPem(await readFile(path, 'utf8'));
}

function splitPem(text: string): PemPair {
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text);
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!key || !cert) throw new Error('the default TLS certificate file holds no key and certificate pair');
  return { cert: `${cert[0]}\n`, key: `${key[0]}\n` };
}
