import { mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { PluginRequest } from '../runtime/plugin-request';
import { LUA_UNSUPPORTED } from '../shared/lua-code';
import { checkPluginConfig, createHandler, testRequest } from '../testing/plugin-harness';
import { fileLog } from './handler';
import { logFileIdle } from './log-file';

const definition = fileLog;

function finished(path: string, configVersion = 7): PluginRequest {
  const kong = testRequest({ url: path, configVersion });
  kong.response = {
    status: 201,
    headers: {},
    size: 10,
    requestSize: 20,
    upstreamLatencyMs: 2,
    proxyLatencyMs: 1,
    requestLatencyMs: 4,
    source: 'upstream',
  };
  return kong;
}

interface Line {
  request: { uri: string };
  response: { status: number };
  gantry: { config_version: number };
}

async function linesOf(path: string): Promise<Line[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

describe('file-log config', () => {
  it('requires a path and defaults reopen to false', () => {
    expect(checkPluginConfig(definition, { path: '/var/log/kong.log' })).toMatchObject({
      ok: true,
      config: { path: '/var/log/kong.log', reopen: false, custom_fields_by_lua: null },
    });
    expect(checkPluginConfig(definition, {})).toEqual({
      ok: false,
      errors: { config: { path: 'required field missing' } },
    });
  });

  it("rejects paths Kong's pattern rejects, and Lua fields", () => {
    for (const path of ['/tmp/a*b', '/tmp/a&b', '/tmp/100%', '/tmp/a\\b', '/tmp/`x`']) {
      expect(checkPluginConfig(definition, { path })).toEqual({
        ok: false,
        errors: { config: { path: 'not a valid filename' } },
      });
    }
    expect(checkPluginConfig(definition, { path: '/tmp/x.log', custom_fields_by_lua: { a: 'return 1' } })).toEqual({
      ok: false,
      errors: { config: { custom_fields_by_lua: LUA_UNSUPPORTED } },
    });
  });
});

describe('file-log', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-log-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per request, creating the file', async () => {
    const path = join(dir, 'access.log');
    const handler = createHandler(definition, { path });
    handler.log!(finished('/a'));
    handler.log!(finished('/b?x=1', 8));
    await handler.close!();
    const lines = await linesOf(path);
    expect(lines.map((l) => l.request.uri)).toEqual(['/a', '/b?x=1']);
    // Each line names the config version its request was served under.
    expect(lines.map((l) => l.gantry)).toEqual([{ config_version: 7 }, { config_version: 8 }]);
    expect(lines[0].response.status).toBe(201);
  });

  it('shares the file between instances writing to the same path', async () => {
    const path = join(dir, 'shared.log');
    const first = createHandler(definition, { path });
    const second = createHandler(definition, { path });
    first.log!(finished('/1'));
    second.log!(finished('/2'));
    await first.close!();
    second.log!(finished('/3'));
    await second.close!();
    expect((await linesOf(path)).map((l) => l.request.uri)).toEqual(['/1', '/2', '/3']);
  });

  it('with reopen, lets go of a rotated file and writes to a new one', async () => {
    const path = join(dir, 'rotated.log');
    const handler = createHandler(definition, { path, reopen: true });
    handler.log!(finished('/before'));
    await logFileIdle(path);
    await rename(path, `${path}.1`);
    handler.log!(finished('/after'));
    await handler.close!();
    expect((await linesOf(`${path}.1`)).map((l) => l.request.uri)).toEqual(['/before']);
    expect((await linesOf(path)).map((l) => l.request.uri)).toEqual(['/after']);
  });

  it('without reopen, keeps writing to the file it opened', async () => {
    const path = join(dir, 'kept.log');
    const handler = createHandler(definition, { path });
    handler.log!(finished('/before'));
    await logFileIdle(path);
    await rename(path, `${path}.1`);
    handler.log!(finished('/after'));
    await handler.close!();
    expect((await linesOf(`${path}.1`)).map((l) => l.request.uri)).toEqual(['/before', '/after']);
  });

  it('survives a path it cannot write to', async () => {
    const path = join(dir, 'missing-dir', 'x.log');
    const handler = createHandler(definition, { path });
    expect(() => handler.log!(finished('/a'))).not.toThrow();
    await handler.close!();
    await expect(stat(path)).rejects.toThrow();
  });
});
