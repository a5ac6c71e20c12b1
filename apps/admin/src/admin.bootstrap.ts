import type { INestApplication } from '@nestjs/common';
import { StartOptions, startHttpApp } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { AdminModule } from './admin.module';

export function startAdmin(settings: Settings, options?: StartOptions): Promise<INestApplication> {
  return startHttpApp('admin', AdminModule.forRoot(settings), settings.adminListen, options);
}
