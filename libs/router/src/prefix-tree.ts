import { insertSorted, removeSorted } from './sorted';

class TreeNode<T> {
  /** No child, the only child (most nodes: it saves a Map per node), or the children by first character. */
  kids: TreeNode<T> | Map<number, TreeNode<T>> | null = null;
  items: T[] | null = null;
  constructor(
    /** The edge label from the parent (empty for the root). */
    public label: string,
  ) {}
}

function childOf<T>(node: TreeNode<T>, first: number): TreeNode<T> | undefined {
  const kids = node.kids;
  if (kids === null) return undefined;
  if (kids instanceof TreeNode) return kids.label.charCodeAt(0) === first ? kids : undefined;
  return kids.get(first);
}

function setChild<T>(node: TreeNode<T>, child: TreeNode<T>): void {
  const first = child.label.charCodeAt(0);
  const kids = node.kids;
  if (kids === null) node.kids = child;
  else if (kids instanceof TreeNode) {
    node.kids =
      kids.label.charCodeAt(0) === first
        ? child
        : new Map([
            [kids.label.charCodeAt(0), kids],
            [first, child],
          ]);
  } else kids.set(first, child);
}

function deleteChild<T>(node: TreeNode<T>, first: number): void {
  const kids = node.kids;
  if (kids === null) return;
  if (kids instanceof TreeNode) {
    if (kids.label.charCodeAt(0) === first) node.kids = null;
    return;
  }
  kids.delete(first);
  if (kids.size === 1) node.kids = kids.values().next().value ?? null;
}

/**
 * A compressed (radix) tree of string keys, each holding a list of items kept sorted by `compare`. Insert and
 * remove touch only the nodes along their key; `collect` gathers, without allocating, the lists of every key
 * that is a prefix of a string.
 */
export class PrefixTree<T> {
  private readonly root = new TreeNode<T>('');
  private bulk = false;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** While bulk loading, inserts append and `endBulk` sorts every list once. */
  beginBulk(): void {
    this.bulk = true;
  }

  endBulk(): void {
    this.bulk = false;
    const stack: TreeNode<T>[] = [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      node.items?.sort(this.compare);
      if (node.kids instanceof TreeNode) stack.push(node.kids);
      else if (node.kids !== null) for (const child of node.kids.values()) stack.push(child);
    }
  }

  insert(key: string, item: T): void {
    let node = this.root;
    let i = 0;
    for (;;) {
      if (i === key.length) {
        if (node.items === null) node.items = [item];
        else if (this.bulk) node.items.push(item);
        else insertSorted(node.items, item, this.compare);
        return;
      }
      const child = childOf(node, key.charCodeAt(i));
      if (child === undefined) {
        const leaf = new TreeNode<T>(key.slice(i));
        leaf.items = [item];
        setChild(node, leaf);
        return;
      }
      const label = child.label;
      let common = 1;
      while (common < label.length && i + common < key.length && label[common] === key[i + common]) common++;
      if (common < label.length) {
        // Split the edge: a new node for the shared part, the old child below it.
        const middle = new TreeNode<T>(label.slice(0, common));
        setChild(node, middle); // replaces `child`: same first character
        child.label = label.slice(common);
        middle.kids = child;
        node = middle;
      } else {
        node = child;
      }
      i += common;
    }
  }

  /** Removes `item` from the list at `key`; false when it is not there. Prunes and re-merges emptied nodes. */
  remove(key: string, item: T): boolean {
    const trail: TreeNode<T>[] = [this.root];
    let node = this.root;
    let i = 0;
    while (i < key.length) {
      const child = childOf(node, key.charCodeAt(i));
      if (child === undefined || !key.startsWith(child.label, i)) return false;
      i += child.label.length;
      node = child;
      trail.push(node);
    }
    if (node.items === null || !this.removeItem(node.items, item)) return false;
    if (node.items.length === 0) node.items = null;
    this.prune(trail);
    return true;
  }

  private removeItem(items: T[], item: T): boolean {
    if (!this.bulk) return removeSorted(items, item, this.compare);
    const at = items.indexOf(item); // not sorted yet
    if (at < 0) return false;
    items.splice(at, 1);
    return true;
  }

  /** Drops a childless empty node and merges an empty node that has a single child into it. */
  private prune(trail: TreeNode<T>[]): void {
    for (let depth = trail.length - 1; depth > 0; depth--) {
      const node = trail[depth];
      const parent = trail[depth - 1];
      if (node.items !== null) return;
      if (node.kids === null) {
        deleteChild(parent, node.label.charCodeAt(0));
        continue; // the parent may now be empty, or mergeable
      }
      if (node.kids instanceof TreeNode) {
        const only = node.kids;
        only.label = node.label + only.label;
        setChild(parent, only);
      }
      return;
    }
  }

  /**
   * Writes into `out` the item lists of every key that is a prefix of `text`, shortest first, and returns how
   * many it wrote. `out` is the caller's scratch array, reused across calls.
   */
  collect(text: string, out: T[][]): number {
    let n = 0;
    let node = this.root;
    if (node.items !== null) out[n++] = node.items;
    let i = 0;
    while (i < text.length) {
      const child = childOf(node, text.charCodeAt(i));
      if (child === undefined || !text.startsWith(child.label, i)) break;
      i += child.label.length;
      node = child;
      if (node.items !== null) out[n++] = node.items;
    }
    return n;
  }

  get isEmpty(): boolean {
    return this.root.items === null && this.root.kids === null;
  }
}
