/** Counts the versions a query pulled from its streams, so one request's work stays bounded. */
export class ScanBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  take(): void {
    this.used++;
  }

  get exhausted(): boolean {
    return this.used >= this.limit;
  }
}

/** A stream of versions, newest first, that can be looked at before it is consumed. */
export interface VersionCursor {
  /** The next version, or undefined when the stream is done (or, for an intersection, stopped by the budget). */
  peek(): Promise<number | undefined>;
  /** Consumes the version `peek` returned. */
  pop(): Promise<void>;
}

/** A cursor over an async iterable of versions (newest first); every version consumed counts against the budget. */
export class IterableCursor implements VersionCursor {
  private readonly iterator: AsyncIterator<number>;
  private head: { value: number | undefined } | undefined;

  constructor(
    source: AsyncIterable<number>,
    private readonly budget: ScanBudget,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async peek(): Promise<number | undefined> {
    if (this.head === undefined) {
      const next = await this.iterator.next();
      this.head = { value: next.done === true ? undefined : next.value };
    }
    return this.head.value;
  }

  async pop(): Promise<void> {
    if ((await this.peek()) !== undefined) this.budget.take();
    this.head = undefined;
  }
}

/** Versions in any of the cursors (an alias naming several entities), without repeats. */
export class UnionCursor implements VersionCursor {
  constructor(private readonly cursors: readonly VersionCursor[]) {}

  async peek(): Promise<number | undefined> {
    let max: number | undefined;
    for (const head of await Promise.all(this.cursors.map((c) => c.peek()))) {
      if (head !== undefined && (max === undefined || head > max)) max = head;
    }
    return max;
  }

  async pop(): Promise<void> {
    const max = await this.peek();
    for (const cursor of this.cursors) if ((await cursor.peek()) === max) await cursor.pop();
  }
}

/**
 * Versions in every cursor (a merge join, newest first). When the budget runs out before the next common version
 * is found, `peek` answers undefined and `frontier` is the highest version not yet decided: every version above
 * it has been either returned or ruled out.
 */
export class IntersectionCursor implements VersionCursor {
  frontier: number | undefined;

  constructor(
    private readonly cursors: readonly VersionCursor[],
    private readonly budget: ScanBudget,
  ) {}

  async peek(): Promise<number | undefined> {
    for (;;) {
      const heads = await Promise.all(this.cursors.map((c) => c.peek()));
      if (heads.some((h) => h === undefined)) return undefined;
      const known = heads as number[];
      const max = Math.max(...known);
      const min = Math.min(...known);
      if (max === min) return max;
      if (this.budget.exhausted) {
        this.frontier = max;
        return undefined;
      }
      // A head above the lowest one cannot be common: the lowest cursor has already passed it.
      for (let i = 0; i < this.cursors.length; i++) if (known[i] > min) await this.cursors[i].pop();
    }
  }

  async pop(): Promise<void> {
    for (const cursor of this.cursors) await cursor.pop();
  }
}
