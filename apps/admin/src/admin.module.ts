import { DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';

/** The Admin API: validates changes, appends them to the config log, serves reads from its fold. */
@Module({})
export class AdminModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AdminModule,
      imports: [RuntimeModule.forRoot(settings), backendHealthModule()],
    };
  }
}
