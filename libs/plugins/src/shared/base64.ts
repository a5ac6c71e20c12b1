const STANDARD = /^[A-Za-z0-9+/]*$/;

/**
 * nginx's `ngx.decode_base64`: the characters up to the first `=` must all be base64, and their count must not
 * leave a lone sextet; anything after the `=` is ignored. Null when the input is not base64.
 */
export function decodeBase64Nginx(text: string): Buffer | null {
  const eq = text.indexOf('=');
  const data = eq < 0 ? text : text.slice(0, eq);
  if (data.length % 4 === 1 || !STANDARD.test(data)) return null;
  return Buffer.from(data, 'base64');
}

/** Kong's JWT segment decoding: URL-safe or standard alphabet, padding optional, otherwise as strict as nginx. */
export function decodeBase64UrlKong(text: string): Buffer | null {
  return decodeBase64Nginx(text.replace(/-/g, '+').replace(/_/g, '/'));
}
