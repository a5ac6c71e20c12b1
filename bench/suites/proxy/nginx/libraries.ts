/**
 * The shared libraries the Debian nginx binary links against, and the bookworm packages that ship them:
 * enough to fetch what a slim machine lacks without apt-file.
 */
const LIBRARY_PACKAGES: Readonly<Record<string, string>> = {
  'libcrypt.so.1': 'libcrypt1',
  'libpcre2-8.so.0': 'libpcre2-8-0',
  'libssl.so.3': 'libssl3',
  'libcrypto.so.3': 'libssl3',
  'libz.so.1': 'zlib1g',
};

export class MissingLibraryError extends Error {
  override readonly name = 'MissingLibraryError';
  readonly code = 'BENCH_NGINX_LIBRARY';
}

/** The sonames `ldd` reports as `not found`. */
export function missingLibraries(lddOutput: string): string[] {
  const missing: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const match = /^\s*(\S+)\s+=>\s+not found\s*$/.exec(line);
    if (match && !missing.includes(match[1])) missing.push(match[1]);
  }
  return missing;
}

/** The packages to fetch for `sonames`, each once; throws naming the libraries it does not know. */
export function packagesForLibraries(sonames: readonly string[]): string[] {
  const unknown = sonames.filter((soname) => LIBRARY_PACKAGES[soname] === undefined);
  if (unknown.length > 0) {
    throw new MissingLibraryError(
      `nginx needs ${unknown.join(', ')}, which this bench does not know how to fetch: install them, or set ` +
        'GANTRY_NGINX_BIN to an nginx that runs here',
    );
  }
  return [...new Set(sonames.map((soname) => LIBRARY_PACKAGES[soname]))];
}
