import { ReplicaClosedError, ReplicaTimeoutError } from '../errors';

interface Waiter {
  readonly version: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Promises waiting for the replica to reach a version, each with its own timeout. */
export class VersionWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(version: number, timeoutMs: number, current: () => number): Promise<void> {
    if (current() >= version) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(waiter);
          reject(new ReplicaTimeoutError(version, current(), timeoutMs));
        },
        Math.max(0, timeoutMs),
      );
      const waiter: Waiter = { version, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** Resolves everyone waiting for `version` or less. */
  reached(version: number): void {
    for (const waiter of this.waiters) {
      if (waiter.version > version) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  closeAll(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new ReplicaClosedError('the replica was closed'));
    }
    this.waiters.clear();
  }
}
