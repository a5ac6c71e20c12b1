import type { INestApplication } from '@nestjs/common';
import { StartOptions, startHttpApp } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { DiscoveryModule } from './discovery.module';

export function startDiscovery(settings: Settings, options?: StartOptions): Promise<INestApplication> {
  return startHttpApp(
    'discovery',
    DiscoveryModule.forRoot(settings, options?.plane),
    settings.discoveryStatusListen,
    options,
  );
}
