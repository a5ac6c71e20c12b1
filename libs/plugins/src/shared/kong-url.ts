import type { ScalarField } from '@gantry/config';

/**
 * Kong's `typedefs.url`: a URL with a scheme and a host (userinfo, port, path and query are optional).
 * Messages are Kong's (`missing host in url`, `missing scheme in url`), checked in Kong's order.
 */
export const urlField: ScalarField = {
  type: 'string',
  custom_validator: (value) => (typeof value === 'string' ? urlError(value) : undefined),
};

const URL_PARTS = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?/;

function urlError(value: string): string | undefined {
  const parts = URL_PARTS.exec(value);
  const authority = parts?.[2] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostAndPort.startsWith('[') ? hostAndPort : hostAndPort.replace(/:\d*$/, '');
  if (host === '') return 'missing host in url';
  if (parts?.[1] === undefined) return 'missing scheme in url';
  return undefined;
}
