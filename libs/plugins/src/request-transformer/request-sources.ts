import type { IncomingHttpHeaders } from 'node:http';
import type { RouteCaptures } from '@gantry/router';
import type { PluginRequest } from '../runtime/plugin-request';
import { decodeArgs, type ArgValue, type Args } from '../shared/lua-args';
import type { TemplateSources } from './template';

const NO_CAPTURES: RouteCaptures = { unnamed: [], named: {} };

/**
 * The request as templates see it: headers and query as they were when the plugin started (Kong documents them
 * as an immutable snapshot taken before transforming), captures, and the live `kong.ctx.shared`. Headers and
 * query are copied only when some template reads them.
 */
export class RequestSources implements TemplateSources {
  private readonly headers: IncomingHttpHeaders | null;
  private readonly query: Args | null;
  private readonly captures: RouteCaptures;
  readonly shared: Readonly<Record<string, unknown>>;

  constructor(kong: PluginRequest, copyHeaders: boolean, copyQuery: boolean) {
    this.headers = copyHeaders ? { ...kong.headers } : null;
    this.query = copyQuery ? decodeArgs(kong.upstreamQuery) : null;
    this.captures = kong.captures ?? NO_CAPTURES;
    this.shared = kong.shared;
  }

  header(name: string): string | readonly string[] | undefined {
    return this.headers?.[name];
  }

  queryArg(name: string): ArgValue | undefined {
    return this.query?.get(name);
  }

  capture(key: string | number): string | undefined {
    if (typeof key === 'number') return Number.isInteger(key) ? this.captures.unnamed[key] : undefined;
    return Object.prototype.hasOwnProperty.call(this.captures.named, key) ? this.captures.named[key] : undefined;
  }
}

/** Sources for configs whose templates are all constant: never read. */
export const NO_SOURCES: TemplateSources = {
  header: () => undefined,
  queryArg: () => undefined,
  capture: () => undefined,
  shared: {},
};
