import type { Logger } from '@gantry/logging';

/**
 * Logs a failing counter store once per burst of failures (not once per request), and its recovery, so an outage
 * under load does not flood the logs.
 */
export class FailureBurst {
  private failing = false;

  constructor(
    private readonly logger: Logger,
    private readonly context: Readonly<Record<string, unknown>>,
    private readonly what: string,
  ) {}

  failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.error({ ...this.context, err: error }, `${this.what} failed`);
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info(this.context, `${this.what} recovered`);
  }
}
