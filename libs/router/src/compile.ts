import type { Entity, JsonValue } from '@gantry/config';
import { RouterError } from './errors';
import { compileHeaders } from './headers';
import { compileHost } from './host';
import { normalizeRequestPath } from './normalize-path';
import { regexLiteralPrefix } from './regex-prefix';
import type { CompiledRoute, HostRule } from './types';

/** Protocols served by the HTTP subsystem; a route with none of them (tcp, tls, udp...) is not ours. */
const HTTP_FAMILY: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs']);

/**
 * Kong's traditional_compatible router splits a route with several paths into one virtual route per group of
 * paths (all regex paths together, plain paths by length), each with its own priority. A Variant is one group.
 */
export interface Variant {
  readonly route: CompiledRoute;
  /** Position among the route's variants; a tie-break that keeps the order total. */
  readonly ordinal: number;
  /** How many of methods, hosts, headers, paths, snis the route sets. */
  readonly weight: number;
  /** 1 when `hosts` is an array without wildcard (Kong sets this bit even for an empty array). */
  readonly plainHostOnly: number;
  readonly headerCount: number;
  /** 1 for the group of regex paths. */
  readonly regexBit: number;
  /** The route's regex_priority for the regex group, 0 otherwise. */
  readonly regexPriority: number;
  /** Length of the plain paths of the group (all the same), 0 for regex or no paths. */
  readonly maxLength: number;
}

/** One indexable unit: a variant with one of its paths, or a variant without paths. */
export interface PathEntry {
  readonly variant: Variant;
  /** Position of the path in the route's `paths`: among paths of one variant, the first listed wins. */
  readonly index: number;
  readonly kind: 'none' | 'prefix' | 'regex';
  /** The normalised prefix, or the regex source without `~`; '' for `none`. */
  readonly path: string;
  /** Where the entry sits in the prefix tree: the prefix itself, or the regex's literal prefix. */
  readonly key: string;
  /** Sticky (anchored at 0) `u` regex; null unless `kind` is `regex`. */
  readonly regex: RegExp | null;
}

/** A route and the entries it puts into the index. */
export interface CompiledEntries {
  readonly route: CompiledRoute;
  readonly entries: readonly PathEntry[];
  /** Distinct (kind, name) host keys the route is indexed under; empty: indexed under "any host". */
  readonly hostKeys: readonly HostRule[];
}

function strings(value: JsonValue | undefined): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((v): v is string => typeof v === 'string');
}

function nonEmpty(value: readonly unknown[] | null): boolean {
  return value !== null && value.length > 0;
}

function headerMap(value: JsonValue | undefined): Record<string, string[]> | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(value)) out[name] = strings(values) ?? [];
  return out;
}

function serviceIdOf(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  return typeof value.id === 'string' ? value.id : null;
}

function compileRoute(entity: Entity, protocols: string[], report: (e: RouterError) => void): CompiledRoute {
  const hosts = strings(entity.hosts) ?? [];
  const methods = strings(entity.methods);
  const headers = headerMap(entity.headers);
  const createdAt = typeof entity.created_at === 'number' ? entity.created_at : Number.POSITIVE_INFINITY;
  return {
    id: entity.id,
    serviceId: serviceIdOf(entity.service),
    entity,
    name: typeof entity.name === 'string' ? entity.name : null,
    stripPath: entity.strip_path !== false,
    preserveHost: entity.preserve_host === true,
    pathHandling: entity.path_handling === 'v1' ? 'v1' : 'v0',
    httpsRedirectStatusCode:
      typeof entity.https_redirect_status_code === 'number' ? entity.https_redirect_status_code : 426,
    protocols,
    requiresHttps: protocols.includes('https') && !protocols.includes('http'),
    hosts: hosts.map(compileHost),
    methods: nonEmpty(methods) ? new Set(methods) : null,
    headers: headers === null ? [] : compileHeaders(entity.id, headers, report),
    snis: sniSet(strings(entity.snis)),
    regexPriority: typeof entity.regex_priority === 'number' ? entity.regex_priority : 0,
    createdAt,
  };
}

/** Kong's `match_weight` (how many matching attributes the route sets) and its plain-host bit. */
function routeWeights(
  entity: Entity,
  route: CompiledRoute,
  headerCount: number,
): { weight: number; plainHostOnly: number } {
  const hosts = strings(entity.hosts);
  let weight = 0;
  if (route.methods !== null) weight++;
  if (nonEmpty(hosts)) weight++;
  if (nonEmpty(strings(entity.paths))) weight++;
  if (headerCount > 0) weight++;
  if (route.snis !== null) weight++;
  const plainHostOnly = hosts !== null && !hosts.some((h) => h.includes('*')) ? 1 : 0;
  return { weight, plainHostOnly };
}

function sniSet(snis: string[] | null): Set<string> | null {
  if (snis === null || snis.length === 0) return null;
  // The trailing dot of an FQDN is not used for routing.
  return new Set(snis.map((s) => (s.length > 1 && s.endsWith('.') ? s.slice(0, -1) : s).toLowerCase()));
}

function compileRegex(route: CompiledRoute, source: string, report: (e: RouterError) => void): RegExp | null {
  try {
    return new RegExp(source, 'uy');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    report(new RouterError('GANTRY_ROUTER_INVALID_REGEX', `path '~${source}': ${reason}`, route.id));
    return null;
  }
}

function distinctHostKeys(hosts: readonly HostRule[]): HostRule[] {
  const seen = new Set<string>();
  const out: HostRule[] = [];
  for (const rule of hosts) {
    const key = `${rule.kind}\u0000${rule.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(rule);
  }
  return out;
}

/**
 * Compiles a route entity into what the index holds, or null when the route is not an HTTP-family route
 * (stream routes belong to another router).
 */
export function compileEntries(entity: Entity, report: (e: RouterError) => void): CompiledEntries | null {
  const protocols = strings(entity.protocols) ?? ['http', 'https'];
  if (!protocols.some((p) => HTTP_FAMILY.has(p))) return null;
  const route = compileRoute(entity, protocols, report);
  const headerCount = route.headers.length;
  const { weight, plainHostOnly } = routeWeights(entity, route, headerCount);
  const base = { route, weight, plainHostOnly, headerCount };
  const paths = strings(entity.paths) ?? [];
  const entries: PathEntry[] = [];
  const hostKeys = distinctHostKeys(route.hosts);
  if (paths.length === 0) {
    const variant: Variant = { ...base, ordinal: 0, regexBit: 0, regexPriority: 0, maxLength: 0 };
    entries.push({ variant, index: 0, kind: 'none', path: '', key: '', regex: null });
    return { route, entries, hostKeys };
  }
  // One variant for all regex paths, one per length of plain path, in order of first appearance.
  const groups = new Map<number, Variant>();
  const REGEX_GROUP = -1;
  paths.forEach((raw, index) => {
    const isRegex = raw.startsWith('~');
    const path = isRegex ? raw.slice(1) : normalizeRequestPath(raw);
    const group = isRegex ? REGEX_GROUP : raw.length;
    let variant = groups.get(group);
    if (variant === undefined) {
      variant = {
        ...base,
        ordinal: groups.size,
        regexBit: isRegex ? 1 : 0,
        regexPriority: isRegex ? route.regexPriority : 0,
        maxLength: isRegex ? 0 : raw.length,
      };
      groups.set(group, variant);
    }
    if (!isRegex) {
      entries.push({ variant, index, kind: 'prefix', path, key: path, regex: null });
      return;
    }
    const regex = compileRegex(route, path, report);
    if (regex !== null) {
      entries.push({ variant, index, kind: 'regex', path, key: regexLiteralPrefix(path), regex });
    }
  });
  return { route, entries, hostKeys };
}

/** Reported when an entity cannot be compiled at all (it lacks an id). */
export function invalidRoute(entity: unknown): RouterError {
  return new RouterError('GANTRY_ROUTER_INVALID_ROUTE', `not a route entity: ${JSON.stringify(entity)}`);
}
