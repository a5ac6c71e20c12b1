import { DynamicModule, Module } from '@nestjs/common';
import { ConfigPlane, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { GatewayLifecycle } from './gateway/gateway.lifecycle';

/**
 * A data-plane replica. Nest serves the status port (`/health`); the gateway port is a bare
 * HTTP server whose lifecycle Nest manages.
 */
@Module({})
export class ProxyModule {
  static forRoot(settings: Settings, plane?: ConfigPlane): DynamicModule {
    return {
      module: ProxyModule,
      imports: [RuntimeModule.forRoot(settings, { plane }), backendHealthModule()],
      providers: [GatewayLifecycle],
      exports: [GatewayLifecycle],
    };
  }
}
