import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError } from './errors';

/** How to reach and authenticate to one API server: a kubeconfig context with its files read. */
export interface KubeAccess {
  /** The context's cluster name: a good default for the source's cluster name. */
  readonly clusterName: string;
  readonly context: string;
  /** `https://host:port`, without a trailing slash. */
  readonly server: string;
  /** PEM of the CA(s) to trust; Node's own when absent. */
  readonly ca?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  readonly token?: string;
  readonly clientCert?: Buffer;
  readonly clientKey?: Buffer;
  readonly username?: string;
  readonly password?: string;
}

type Fields = Record<string, unknown>;

function entry(list: unknown, name: string, kind: string, file: string): Fields {
  const found = Array.isArray(list)
    ? (list as Fields[]).find((item) => typeof item === 'object' && item !== null && item.name === name)
    : undefined;
  const fields = found?.[kind];
  if (found === undefined || (fields !== undefined && (typeof fields !== 'object' || fields === null))) {
    throw new KubeconfigError(`${file}: no ${kind} named ${JSON.stringify(name)}`);
  }
  return (fields ?? {}) as Fields;
}

function optional(fields: Fields, key: string, file: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new KubeconfigError(`${file}: ${key} must be a string`);
  return value;
}

function readRelative(file: string, ref: string, what: string): Buffer {
  const resolved = path.resolve(path.dirname(file), ref);
  try {
    return fs.readFileSync(resolved);
  } catch (error) {
    throw new KubeconfigError(`${file}: cannot read ${what} ${resolved}: ${(error as Error).message}`);
  }
}

/** `<key>-data` (base64) or `<key>` (a path relative to the kubeconfig's folder). */
function material(fields: Fields, key: string, file: string): Buffer | undefined {
  const data = optional(fields, `${key}-data`, file);
  if (data !== undefined) return Buffer.from(data, 'base64');
  const ref = optional(fields, key, file);
  return ref === undefined ? undefined : readRelative(file, ref, key);
}

/**
 * Reads a kubeconfig's `context` (default: its current context): server, CA, bearer token (or token file),
 * client certificate, or basic credentials. Exec and auth-provider plugins are refused: they need client-node.
 */
export function loadKubeconfig(file: string, context?: string): KubeAccess {
  let doc: Fields;
  try {
    doc = (parse(fs.readFileSync(file, 'utf8')) ?? {}) as Fields;
  } catch (error) {
    throw new KubeconfigError(`cannot read the kubeconfig ${file}: ${(error as Error).message}`);
  }
  const contextName = context ?? optional(doc, 'current-context', file);
  if (contextName === undefined) throw new KubeconfigError(`${file} has no current-context; name a context`);
  const ctx = entry(doc.contexts, contextName, 'context', file);
  const clusterName = optional(ctx, 'cluster', file);
  if (clusterName === undefined) throw new KubeconfigError(`${file}: context ${contextName} names no cluster`);
  const cluster = entry(doc.clusters, clusterName, 'cluster', file);
  const userName = optional(ctx, 'user', file);
  const user = userName === undefined ? {} : entry(doc.users, userName, 'user', file);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new KubeconfigError(`${file}: user ${userName} uses an exec or auth-provider plugin`);
  }
  const server = optional(cluster, 'server', file);
  if (server === undefined) throw new KubeconfigError(`${file}: cluster ${clusterName} has no server`);
  const tokenFile = optional(user, 'tokenFile', file);
  const token =
    optional(user, 'token', file) ??
    (tokenFile === undefined ? undefined : readRelative(file, tokenFile, 'tokenFile').toString('utf8').trim());
  return {
    clusterName,
    context: contextName,
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority', file),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: optional(cluster, 'tls-server-name', file),
    token,
    clientCert: material(user, 'client-certificate', file),
    clientKey: material(user, 'client-key', file),
    username: optional(user, 'username', file),
    password: optional(user, 'password', file),
  };
}
