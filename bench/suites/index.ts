/**
 * The suite table: `npm run bench -- <name>` runs the suites named, no name runs them all, in this order.
 *
 * To add a suite, write `bench/suites/<name>/index.ts` exporting a `Suite` (see harness/types.ts):
 * its `needs` (infrastructure), and from `prepare` a list of cases, each with its metrics, a `measure`
 * and a `reference` measured the same way in the same run. Then list it here. See docs/benchmarks.md.
 */
import type { Suite } from '../harness/types';
import { adminSuite } from './admin';
import { auditSuite } from './audit';
import { bootSuite } from './boot';
import { discoverySuite } from './discovery';
import { foldSuite } from './fold';
import { logSuite } from './log';
import { pluginsSuite } from './plugins';
import { proxySuite } from './proxy';
import { routerSuite } from './router';

const ALL: readonly Suite[] = [
  foldSuite,
  logSuite,
  adminSuite,
  bootSuite,
  proxySuite,
  routerSuite,
  pluginsSuite,
  discoverySuite,
  auditSuite,
];

export const SUITES: Readonly<Record<string, Suite>> = Object.fromEntries(ALL.map((suite) => [suite.name, suite]));
