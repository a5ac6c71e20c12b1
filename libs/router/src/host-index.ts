import type { CompiledEntries, PathEntry } from './compile';
import { PrefixTree } from './prefix-tree';
import { compareEntries } from './priority';
import type { HostRule } from './types';

type Tree = PrefixTree<PathEntry>;

/** Receives the trees a request host selects, most specific first. */
export interface TreeVisitor {
  visit(tree: Tree): void;
}

/**
 * First level of the index: entries by host. Exact names in one map, `*.suffix` and `prefix.*` wildcards in maps
 * keyed by their fixed part (a request looks up each of its dot positions), and routes without hosts in a tree
 * every request visits. Each host key holds a prefix tree of path entries.
 */
export class HostIndex {
  private readonly exact = new Map<string, Tree>();
  private readonly suffix = new Map<string, Tree>();
  private readonly prefix = new Map<string, Tree>();
  private readonly anyHost: Tree = new PrefixTree(compareEntries);
  /** How many wildcard keys have each number of dots: a request only looks up suffixes/prefixes that exist. */
  private readonly suffixDots = new Map<number, number>();
  private readonly prefixDots = new Map<number, number>();
  private bulk = false;

  /** Appends without sorting until `endBulk`, which sorts each list once (a boot builds in O(n log n)). */
  beginBulk(): void {
    this.bulk = true;
    this.anyHost.beginBulk();
  }

  endBulk(): void {
    this.bulk = false;
    this.anyHost.endBulk();
    for (const map of [this.exact, this.suffix, this.prefix]) for (const tree of map.values()) tree.endBulk();
  }

  add(compiled: CompiledEntries): void {
    for (const tree of this.treesFor(compiled.hostKeys)) {
      for (const entry of compiled.entries) tree.insert(entry.key, entry);
    }
  }

  remove(compiled: CompiledEntries): void {
    if (compiled.hostKeys.length === 0) {
      for (const entry of compiled.entries) this.anyHost.remove(entry.key, entry);
      return;
    }
    for (const rule of compiled.hostKeys) {
      const map = this.mapOf(rule);
      const tree = map.get(rule.name);
      if (tree === undefined) continue;
      for (const entry of compiled.entries) tree.remove(entry.key, entry);
      if (tree.isEmpty) {
        map.delete(rule.name);
        this.countDots(rule, -1);
      }
    }
  }

  /** Visits every tree whose host key the request host (lower-cased, without port) satisfies. */
  visit(hostName: string, visitor: TreeVisitor): void {
    const exact = this.exact.get(hostName);
    if (exact !== undefined) visitor.visit(exact);
    if (this.suffix.size > 0) {
      // `*.example.com` is keyed `.example.com` (2 dots): from the right, the suffix at the n-th dot has n dots.
      // The wildcard needs at least one character before the dot.
      let dots = 0;
      for (let dot = hostName.lastIndexOf('.'); dot > 0; dot = hostName.lastIndexOf('.', dot - 1)) {
        if (!this.suffixDots.has(++dots)) continue;
        const tree = this.suffix.get(hostName.slice(dot));
        if (tree !== undefined) visitor.visit(tree);
      }
    }
    if (this.prefix.size > 0) {
      // `example.*` is keyed `example.` (1 dot); the wildcard needs at least one character after the dot.
      let dots = 0;
      for (
        let dot = hostName.indexOf('.');
        dot >= 0 && dot < hostName.length - 1;
        dot = hostName.indexOf('.', dot + 1)
      ) {
        if (!this.prefixDots.has(++dots)) continue;
        const tree = this.prefix.get(hostName.slice(0, dot + 1));
        if (tree !== undefined) visitor.visit(tree);
      }
    }
    visitor.visit(this.anyHost);
  }

  private countDots(rule: HostRule, delta: 1 | -1): void {
    if (rule.kind === 'exact') return;
    const counts = rule.kind === 'suffix' ? this.suffixDots : this.prefixDots;
    let dots = 0;
    for (let i = rule.name.indexOf('.'); i >= 0; i = rule.name.indexOf('.', i + 1)) dots++;
    const count = (counts.get(dots) ?? 0) + delta;
    if (count > 0) counts.set(dots, count);
    else counts.delete(dots);
  }

  private mapOf(rule: HostRule): Map<string, Tree> {
    return rule.kind === 'exact' ? this.exact : rule.kind === 'suffix' ? this.suffix : this.prefix;
  }

  private treesFor(hostKeys: readonly HostRule[]): Tree[] {
    if (hostKeys.length === 0) return [this.anyHost];
    const trees: Tree[] = [];
    for (const rule of hostKeys) {
      const map = this.mapOf(rule);
      let tree = map.get(rule.name);
      if (tree === undefined) {
        tree = new PrefixTree(compareEntries);
        if (this.bulk) tree.beginBulk();
        map.set(rule.name, tree);
        this.countDots(rule, +1);
      }
      trees.push(tree);
    }
    return trees;
  }
}
