import { serializeLog } from '../runtime/log-serializer';
import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { acquireLogFile, releaseLogFile } from './log-file';
import { fileLogSchema, type FileLogConfig } from './schema';

function createHandler(config: FileLogConfig, env: PluginEnvironment): PluginHandler {
  const file = acquireLogFile(config.path, env.logger);
  const reopen = config.reopen;
  let closed = false;
  return {
    log(kong: PluginRequest): void {
      if (closed) return;
      file.append(`${JSON.stringify(serializeLog(kong))}\n`, reopen);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await releaseLogFile(file);
    },
  };
}

/** Appends every request's log record, as one JSON line, to a file. */
export const fileLog: PluginDefinition<FileLogConfig> = {
  name: 'file-log',
  priority: 9,
  version: '3.9.0',
  schema: fileLogSchema,
  create: createHandler,
};
