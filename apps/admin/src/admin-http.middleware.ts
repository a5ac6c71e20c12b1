import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminApi } from './api/admin-api';
import { serveAdminRequest } from './api/http/node-handler';
import { ADMIN_API } from './admin-backend';

/** The single catch-all that hands every request except `/health` to the table-driven {@link AdminApi}. */
@Injectable()
export class AdminHttpMiddleware implements NestMiddleware {
  constructor(@Inject(ADMIN_API) private readonly api: AdminApi) {}

  use(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
    serveAdminRequest(this.api, req, res, req.originalUrl ?? req.url);
  }
}
