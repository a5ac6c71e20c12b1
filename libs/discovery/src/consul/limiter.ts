/** At most `size` tasks at once; the others wait their turn in order. */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // The slot passes to the next waiter as is; only when nobody waits does it free up.
      const next = this.queue.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
