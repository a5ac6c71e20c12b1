import pino, { Logger, LoggerOptions } from 'pino';

/**
 * The root logger. JSON lines on stdout, level from `GANTRY_LOG_LEVEL` (default info).
 * Components take a child so every line names where it came from.
 */
export function createRootLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: process.env.GANTRY_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    ...options,
  });
}

let root: Logger | undefined;

export function rootLogger(): Logger {
  root ??= createRootLogger();
  return root;
}

export function childLogger(component: string): Logger {
  return rootLogger().child({ component });
}

export type { Logger };
