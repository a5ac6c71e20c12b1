import type { Log } from './instance';
import { ensureTools, javaMajorVersion } from './tools';

let checked: string | undefined;

/** The `java` executable (installed with apt if missing); warns once if its version is unexpected. */
export function javaExecutable(log: Log): string {
  const { java } = ensureTools(['java'], log);
  if (checked !== java) {
    checked = java;
    const major = javaMajorVersion(java);
    if (major !== undefined && major !== 17 && major !== 11) {
      log(`warning: ${java} is Java ${major}; Cassandra 5.0 supports Java 11 and 17 only`);
    }
  }
  return java;
}
