import { MissingLibraryError, missingLibraries, packagesForLibraries } from './libraries';

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

  it('refuses a library it cannot map, naming it', () => {
    expect(() => packagesForLibraries(['libz.so.1', 'libfoo.so.9'])).toThrow(MissingLibraryError);
    expect(() => packagesForLibraries(['libfoo.so.9'])).toThrow('libfoo.so.9');
  });
});
