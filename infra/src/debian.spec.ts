import { MissingLibraryError, missingLibraries, packagesForLibraries, parseCandidate, upstreamVersion } from './debian';

const LDD = `	linux-vdso.so.1 (0x00007ffd)
	libcrypt.so.1 => /lib/x86_64-linux-gnu/libcrypt.so.1 (0x00007f37)
	libpcre2-8.so.0 => not found
	libssl.so.3 => not found
	libcrypto.so.3 => not found
	libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f37)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f37)
	/lib64/ld-linux-x86-64.so.2 (0x00007f37)
`;

describe('missingLibraries', () => {
  it('lists the sonames ldd could not find', () => {
    expect(missingLibraries(LDD)).toEqual(['libpcre2-8.so.0', 'libssl.so.3', 'libcrypto.so.3']);
  });

  it('is empty when everything links', () => {
    expect(missingLibraries(LDD.replace(/not found/g, '/lib/x.so (0x1)'))).toEqual([]);
  });
});

describe('packagesForLibraries', () => {
  it('maps them to Debian packages, each once', () => {
    expect(packagesForLibraries(['libpcre2-8.so.0', 'libssl.so.3', 'libcrypto.so.3'])).toEqual([
      'libpcre2-8-0',
      'libssl3',
    ]);
  });

  it("knows redis-server's libraries", () => {
    expect(packagesForLibraries(['liblzf.so.1', 'libjemalloc.so.2'])).toEqual(['liblzf1', 'libjemalloc2']);
  });

  it('refuses a library it cannot map, naming it and the way out', () => {
    expect(() => packagesForLibraries(['libz.so.1', 'libfoo.so.9'])).toThrow(MissingLibraryError);
    expect(() => packagesForLibraries(['libfoo.so.9'], 'or set GANTRY_X_BIN')).toThrow(
      /libfoo\.so\.9 .*or set GANTRY_X_BIN/,
    );
  });
});

describe('Debian versions', () => {
  it("reads apt-cache policy's candidate", () => {
    const policy = 'redis-tools:\n  Installed: (none)\n  Candidate: 5:7.0.15-1~deb12u10\n  Version table:\n';
    expect(parseCandidate(policy)).toBe('5:7.0.15-1~deb12u10');
    expect(parseCandidate('redis-tools:\n  Installed: (none)\n  Candidate: (none)\n')).toBeUndefined();
    expect(parseCandidate('')).toBeUndefined();
  });

  it('strips the epoch and the Debian revision', () => {
    expect(upstreamVersion('5:7.0.15-1~deb12u10')).toBe('7.0.15');
    expect(upstreamVersion('1.22.1-9+deb12u11')).toBe('1.22.1');
    expect(upstreamVersion('2:1.0-2-3')).toBe('1.0-2');
    expect(upstreamVersion('7.2')).toBe('7.2');
  });
});
