import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { childLogger } from '@gantry/logging';
import { DiscoveryRunner } from './discovery-runner';

/** Nest owns the runner's lifecycle: it starts in the background (the status port answers meanwhile). */
@Injectable()
export class DiscoveryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = childLogger('discovery');

  constructor(@Inject(DiscoveryRunner) private readonly runner: DiscoveryRunner) {}

  onApplicationBootstrap(): void {
    this.runner.start().catch((error: unknown) => this.logger.error({ err: error }, 'discovery could not start'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}
