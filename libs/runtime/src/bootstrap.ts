import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, childLogger } from '@gantry/logging';
import type { ListenAddress } from '@gantry/settings';
import type { ConfigPlane } from './config-plane';

export interface StartOptions {
  /**
   * Let Nest close the app on SIGTERM/SIGINT. Off when several apps share one process
   * (standalone mode), where the process closes them all itself.
   */
  readonly shutdownHooks?: boolean;
  /** Nest's JSON/urlencoded body parsers (default on). Off for apps that read raw bodies themselves. */
  readonly bodyParser?: boolean;
  /** A config plane shared with other apps of this process (standalone mode); see `RuntimeOptions.plane`. */
  readonly plane?: ConfigPlane;
  /** Serve HTTP on `listen` (default). Off for proxy workers, whose primary serves the status port. */
  readonly listen?: boolean;
}

/** Creates a Nest HTTP app for `module` and listens on `listen`. */
export async function startHttpApp(
  name: string,
  module: Parameters<typeof NestFactory.create>[0],
  listen: ListenAddress,
  options: StartOptions = {},
): Promise<INestApplication> {
  // abortOnError off: start-up errors reach the caller, which decides whether the process exits.
  const app = await NestFactory.create(module, {
    logger: new PinoNestLogger(childLogger(name)),
    abortOnError: false,
    bodyParser: options.bodyParser ?? true,
  });
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  if (options.listen === false) {
    await app.init();
    return app;
  }
  await app.listen(listen.port, listen.host);
  childLogger(name).info({ address: `${listen.host}:${listen.port}` }, `${name} listening`);
  return app;
}

/** Logs why start-up failed and exits non-zero, so a supervisor sees the failure instead of a hung process. */
export function exitOnStartupFailure(name: string): (error: unknown) => never {
  return (error: unknown) => {
    childLogger(name).fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  };
}
