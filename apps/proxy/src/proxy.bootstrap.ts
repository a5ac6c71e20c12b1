import type { INestApplication } from '@nestjs/common';
import { StartOptions, startHttpApp } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { ProxyModule } from './proxy.module';

/** Starts a replica: the status port through Nest, the gateway port as the module boots. */
export function startProxy(settings: Settings, options?: StartOptions): Promise<INestApplication> {
  return startHttpApp('proxy', ProxyModule.forRoot(settings, options?.plane), settings.statusListen, options);
}
