import type { PathEntry } from './compile';
import { headersMatch } from './headers';
import { hostMatches, splitHostPort } from './host';
import type { HostIndex, TreeVisitor } from './host-index';
import { normalizeRequestPath } from './normalize-path';
import type { PrefixTree } from './prefix-tree';
import { compareEntries } from './priority';
import type { CompiledRoute, HostRule, RequestFacts, RouteCaptures, RouteMatch } from './types';

type Headers = RequestFacts['headers'];
const NO_HEADERS: Headers = Object.freeze({});

function capturesOf(exec: RegExpExecArray): RouteCaptures | null {
  if (exec.length < 2) return null; // Kong reports captures only for a regex with groups
  // Plain loops, no freezing: this runs on every uncached regex match (the types are readonly).
  const unnamed = new Array<string>(exec.length);
  for (let i = 0; i < exec.length; i++) unnamed[i] = exec[i] ?? '';
  const named: Record<string, string> = {};
  const groups = exec.groups;
  if (groups !== undefined) {
    for (const name in groups) {
      const value = groups[name];
      if (value !== undefined) named[name] = value;
    }
  }
  return { unnamed, named };
}

/**
 * One lookup at a time (the router is synchronous): the request facts, prepared once, and the best entry found
 * so far. Reused across requests so that a lookup allocates only what it returns.
 */
export class Matcher implements TreeVisitor {
  private method = '';
  private https = false;
  private sni = '';
  private headers: Headers = NO_HEADERS;
  private hostName = '';
  private hostPort = 80;
  private path = '';
  private regexAllowed = false;
  private best: PathEntry | null = null;
  private bestHost: HostRule | null = null;
  private bestExec: RegExpExecArray | null = null;
  private readonly lists: PathEntry[][] = [];

  constructor(
    private readonly maxRegexSubjectLength: number,
    private readonly disabledServices: ReadonlySet<string>,
  ) {}

  /** The best route for the request, or null. */
  find(index: HostIndex, request: RequestFacts): RouteMatch | null {
    this.method = request.method;
    this.https = request.scheme === 'https';
    this.sni = request.sni === undefined ? '' : request.sni.toLowerCase();
    this.headers = request.headers;
    const host = splitHostPort(request.host.toLowerCase());
    this.hostName = host.name;
    this.hostPort = host.port ?? (this.https ? 443 : 80);
    this.path = normalizeRequestPath(request.path);
    // Kong does not try path rules on an empty path; long subjects skip regexes (see README, regex safety).
    this.regexAllowed = this.path !== '' && this.path.length <= this.maxRegexSubjectLength;
    this.best = null;
    index.visit(this.hostName, this);
    const result = this.best === null ? null : this.result(this.best);
    this.headers = NO_HEADERS;
    this.best = null;
    this.bestExec = null;
    return result;
  }

  /** Tries the lists of every key that prefixes the path, longest key first (it tends to win, ending scans early). */
  visit(tree: PrefixTree<PathEntry>): void {
    const n = tree.collect(this.path, this.lists);
    for (let k = n - 1; k >= 0; k--) {
      const list = this.lists[k];
      for (let j = 0; j < list.length; j++) {
        const entry = list[j];
        // Lists are sorted best first: once an entry cannot beat the best so far, neither can the rest.
        if (this.best !== null && compareEntries(entry, this.best) >= 0) break;
        if (this.accepts(entry)) {
          this.best = entry;
          break;
        }
      }
    }
  }

  private accepts(entry: PathEntry): boolean {
    const route = entry.variant.route;
    if (this.disabledServices.size > 0 && route.serviceId !== null && this.disabledServices.has(route.serviceId)) {
      return false;
    }
    if (route.methods !== null && !route.methods.has(this.method)) return false;
    if (route.snis !== null && this.https && !route.snis.has(this.sni)) return false;
    let host: HostRule | null = null;
    if (route.hosts.length > 0) {
      host = this.matchingHost(route);
      if (host === null) return false;
    }
    if (route.headers.length > 0 && !headersMatch(route.headers, this.headers, this.maxRegexSubjectLength)) {
      return false;
    }
    let exec: RegExpExecArray | null = null;
    if (entry.regex !== null) {
      if (!this.regexAllowed) return false;
      entry.regex.lastIndex = 0;
      exec = entry.regex.exec(this.path);
      if (exec === null) return false;
    }
    this.bestHost = host;
    this.bestExec = exec;
    return true;
  }

  private matchingHost(route: CompiledRoute): HostRule | null {
    for (const rule of route.hosts) if (hostMatches(rule, this.hostName, this.hostPort)) return rule;
    return null;
  }

  private result(entry: PathEntry): RouteMatch {
    const route = entry.variant.route;
    let prefixLength = 0;
    let captures: RouteCaptures | null = null;
    if (entry.kind === 'prefix') prefixLength = entry.path.length;
    else if (entry.kind === 'regex' && this.bestExec !== null) {
      prefixLength = this.bestExec[0].length;
      captures = capturesOf(this.bestExec);
    }
    return {
      route,
      matchedPath: entry.kind === 'none' ? null : entry.path,
      prefixLength,
      captures,
      matchedHost: this.bestHost === null ? null : this.bestHost.value,
      httpsRequired: route.requiresHttps && !this.https,
      normalizedPath: this.path,
    };
  }
}
