import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The user of the generated token: in `system:masters`, so RBAC lets it do anything. */
export const ADMIN_USER = 'gantry-admin';

export interface KubeCredentialFiles {
  /** Signs service-account tokens (`--service-account-signing-key-file`). */
  readonly serviceAccountKey: string;
  /** Verifies them (`--service-account-key-file`). */
  readonly serviceAccountPub: string;
  /** `--token-auth-file`. */
  readonly tokensCsv: string;
  /** The admin's bearer token, as written in tokensCsv. */
  readonly token: string;
}

/** One line of a static token file: token, user name, uid, groups (quoted, comma-separated). */
export function renderTokensCsv(token: string, user: string, groups: readonly string[]): string {
  if (!/^[\w.-]+$/.test(token)) throw new Error('a static token must be letters, digits, "_", "." or "-"');
  return `${token},${user},${user},"${groups.join(',')}"\n`;
}

/** The token of the first line of a static token file, or undefined. */
export function tokenOfCsv(text: string): string | undefined {
  const token = text.split('\n')[0]?.split(',')[0]?.trim();
  return token ? token : undefined;
}

/**
 * The service-account key pair and the admin token in `dir`, drawn once and kept across restarts (tokens signed
 * before a restart stay valid, a kubeconfig copied before stays usable). Files are readable by us only.
 */
export function ensureCredentials(dir: string): KubeCredentialFiles {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serviceAccountKey = path.join(dir, 'sa.key');
  const serviceAccountPub = path.join(dir, 'sa.pub');
  const tokensCsv = path.join(dir, 'tokens.csv');
  if (!fs.existsSync(serviceAccountKey) || !fs.existsSync(serviceAccountPub)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    fs.writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
    fs.writeFileSync(serviceAccountPub, publicKey, { mode: 0o600 });
  }
  let token = fs.existsSync(tokensCsv) ? tokenOfCsv(fs.readFileSync(tokensCsv, 'utf8')) : undefined;
  if (!token) {
    token = randomBytes(24).toString('base64url');
    fs.writeFileSync(tokensCsv, renderTokensCsv(token, ADMIN_USER, ['system:masters']), { mode: 0o600 });
  }
  return { serviceAccountKey, serviceAccountPub, tokensCsv, token };
}
