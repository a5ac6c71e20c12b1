import { DynamicModule, Module } from '@nestjs/common';
import { ConfigPlane, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';

/** Watches service registries and turns what they report into target events on the config log. */
@Module({})
export class DiscoveryModule {
  static forRoot(settings: Settings, plane?: ConfigPlane): DynamicModule {
    return {
      module: DiscoveryModule,
      imports: [RuntimeModule.forRoot(settings, { plane }), backendHealthModule()],
    };
  }
}
