import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SETTINGS } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { GatewayServer } from './gateway-server';

/** Nest owns the gateway listener's lifecycle, never its requests. */
@Injectable()
export class GatewayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly server: GatewayServer;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.server = new GatewayServer(settings.proxyListen);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.server.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.server.close();
  }
}
