import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Env } from './env';

/**
 * Kubeconfig files: the one we write for our kube-apiserver, and reading the current context of any (ours, or
 * the one KUBECONFIG names) into what an HTTPS client needs. Exec and auth-provider plugins are not supported.
 */

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  readonly code = 'INFRA_KUBECONFIG';
}

/** How to reach and authenticate to one API server: the current context of a kubeconfig, files resolved. */
export interface KubeAccess {
  readonly server: string;
  /** PEM of the CA(s) to trust; Node's own CAs when absent. */
  readonly ca?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  readonly token?: string;
  readonly clientCert?: Buffer;
  readonly clientKey?: Buffer;
  readonly username?: string;
  readonly password?: string;
}

export interface OwnKubeconfig {
  readonly server: string;
  /** A file path, read by clients when they connect: the API server writes its certificate on first start. */
  readonly caFile: string;
  readonly token: string;
  /** Cluster, user and context name. */
  readonly name: string;
}

/** A kubeconfig with one cluster (server, CA file), one bearer-token user and a current context joining them. */
export function renderKubeconfig(config: OwnKubeconfig): string {
  const { name } = config;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: config.server, 'certificate-authority': config.caFile } }],
    users: [{ name, user: { token: config.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/** KUBECONFIG, when it names one file; kubectl's merging of a list of files is not supported. */
export function kubeconfigFromEnv(env: Env = process.env): string | undefined {
  const value = env.KUBECONFIG?.trim();
  if (!value) return undefined;
  if (value.includes(path.delimiter)) {
    throw new KubeconfigError(`KUBECONFIG must name one file (lists are not supported), got "${value}"`);
  }
  return path.resolve(value);
}

type Named<T> = { name?: unknown } & T;
type Fields = Record<string, unknown>;

function entry(list: unknown, name: string, kind: string, file: string): Fields {
  const found = Array.isArray(list)
    ? (list as Named<Record<string, unknown>>[]).find((item) => item?.name === name)
    : undefined;
  const fields = found?.[kind];
  if (!found || (fields !== undefined && (typeof fields !== 'object' || fields === null))) {
    throw new KubeconfigError(`${file}: no ${kind} named "${name}"`);
  }
  return (fields ?? {}) as Fields;
}

function optionalString(fields: Fields, key: string, file: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new KubeconfigError(`${file}: ${key} must be a string`);
  return value;
}

/** A `<key>-data` field (base64) or a `<key>` file path (relative to the kubeconfig's folder). */
function material(fields: Fields, key: string, file: string): Buffer | undefined {
  const data = optionalString(fields, `${key}-data`, file);
  if (data) return Buffer.from(data, 'base64');
  const ref = optionalString(fields, key, file);
  if (!ref) return undefined;
  const resolved = path.resolve(path.dirname(file), ref);
  try {
    return fs.readFileSync(resolved);
  } catch (error) {
    throw new KubeconfigError(`${file}: cannot read ${key} ${resolved}: ${(error as Error).message}`);
  }
}

/** The current context of the kubeconfig `file`, with its CA, token and client certificate read. */
export function loadKubeconfig(file: string): KubeAccess {
  let doc: Fields;
  try {
    doc = (parse(fs.readFileSync(file, 'utf8')) ?? {}) as Fields;
  } catch (error) {
    throw new KubeconfigError(`cannot read the kubeconfig ${file}: ${(error as Error).message}`);
  }
  const current = optionalString(doc, 'current-context', file);
  if (!current) throw new KubeconfigError(`${file} has no current-context`);
  const context = entry(doc.contexts, current, 'context', file);
  const clusterName = optionalString(context, 'cluster', file);
  if (!clusterName) throw new KubeconfigError(`${file}: context "${current}" names no cluster`);
  const cluster = entry(doc.clusters, clusterName, 'cluster', file);
  const userName = optionalString(context, 'user', file);
  const user = userName === undefined ? {} : entry(doc.users, userName, 'user', file);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new KubeconfigError(`${file}: user "${userName}" uses an exec or auth-provider plugin`);
  }
  const server = optionalString(cluster, 'server', file);
  if (!server) throw new KubeconfigError(`${file}: cluster "${clusterName}" has no server`);
  const tokenFile = optionalString(user, 'tokenFile', file);
  const token =
    optionalString(user, 'token', file) ??
    (tokenFile ? fs.readFileSync(path.resolve(path.dirname(file), tokenFile), 'utf8').trim() : undefined);
  return {
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority', file),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: optionalString(cluster, 'tls-server-name', file),
    token,
    clientCert: material(user, 'client-certificate', file),
    clientKey: material(user, 'client-key', file),
    username: optionalString(user, 'username', file),
    password: optionalString(user, 'password', file),
  };
}
