import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { envFlag } from '../../../infra/src/env';
import { REPO_ROOT, spawnChild } from './child';

export type GantryApp = 'standalone' | 'admin' | 'proxy' | 'discovery';

/** How the suite runs Gantry's apps: the `nest build` output (default) or the sources through ts-node. */
export type GantryRuntime = 'dist' | 'ts-node';

/**
 * `GANTRY_BENCH_TS_NODE=1` runs the apps from their TypeScript sources (ts-node, transpile only) instead of
 * building them: for a tree that does not type-check yet. The code then runs as the same JavaScript, but with
 * ts-node's hooks loaded, so publish figures from the default.
 */
export function gantryRuntime(env: NodeJS.ProcessEnv = process.env): GantryRuntime {
  return envFlag(env, 'GANTRY_BENCH_TS_NODE') ? 'ts-node' : 'dist';
}

export interface GantryCommand {
  /** Arguments for `node`. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const builds = new Map<GantryApp, Promise<string>>();

/** `nest build <app>` once per bench run (what `npm start` does); returns the compiled entry point. */
function build(app: GantryApp, log: (msg: string) => void): Promise<string> {
  let built = builds.get(app);
  if (!built) {
    built = (async () => {
      log(`building ${app} (nest build ${app})`);
      const started = Date.now();
      const child = spawnChild({
        name: `nest build ${app}`,
        command: process.execPath,
        args: [join(REPO_ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', app],
      });
      await new Promise<void>((resolve) => child.process.once('close', () => resolve()));
      if (child.process.exitCode !== 0) {
        throw new Error(
          `nest build ${app} ${child.exitDescription() ?? 'failed'} (GANTRY_BENCH_TS_NODE=1 runs the sources ` +
            `without building):\n${child.output()}`,
        );
      }
      const main = join(REPO_ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
      if (!existsSync(main)) throw new Error(`nest build ${app} produced no ${main}`);
      log(`built ${app} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return main;
    })();
    builds.set(app, built);
  }
  return built;
}

/**
 * How to start `app`: by default built once per bench run and run from `dist`, as a deployment runs it (the
 * benchmark measures that JavaScript, not ts-node's); see gantryRuntime() for the alternative.
 */
export async function gantryCommand(app: GantryApp, log: (msg: string) => void): Promise<GantryCommand> {
  if (gantryRuntime() === 'ts-node') {
    return {
      args: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`],
      env: { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
    };
  }
  return { args: [await build(app, log)], env: {} };
}
