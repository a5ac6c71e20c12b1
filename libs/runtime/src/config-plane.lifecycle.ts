import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { childLogger } from '@gantry/logging';
import type { Settings } from '@gantry/settings';
import { ConfigPlane } from './config-plane';
import { CONFIG_PLANE, CONFIG_PLANE_OWNED, SETTINGS } from './tokens';

/**
 * Starts the process's config plane when the app boots and closes it before the backend connections close
 * (onModuleDestroy runs before any onApplicationShutdown). A plane handed in from outside (standalone mode)
 * belongs to its creator and is left alone.
 */
@Injectable()
export class ConfigPlaneLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(CONFIG_PLANE) private readonly plane: ConfigPlane,
    @Inject(CONFIG_PLANE_OWNED) private readonly owned: boolean,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.owned) return;
    const started = this.plane.start();
    // Embedded backends cannot be "down", so wait and serve a loaded config from the first request. Kafka or
    // Cassandra may be: the app then starts anyway, answers 503 for config reads and writes, and says why.
    if (this.settings.log === 'embedded' && this.settings.store === 'embedded') {
      await started;
    } else {
      started.catch((error: unknown) => childLogger('config-plane').error({ err: error }, 'config plane failed'));
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.owned) await this.plane.close();
  }
}
