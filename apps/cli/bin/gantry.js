#!/usr/bin/env node
'use strict';
// `npx gantry`: runs the CLI's TypeScript sources through ts-node (no build step), with the @gantry/* aliases of
// the repository's tsconfig.json. Needs the devDependencies (`npm ci`).
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
require('ts-node').register({ project: path.join(root, 'tsconfig.json'), transpileOnly: true });
const tsconfigPaths = require('tsconfig-paths');
const config = tsconfigPaths.loadConfig(root);
if (config.resultType !== 'success') throw new Error(`gantry: cannot read ${root}/tsconfig.json: ${config.message}`);
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
require(path.join(root, 'apps', 'cli', 'src', 'main.ts')).run();
