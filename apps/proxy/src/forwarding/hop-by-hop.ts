import type { IncomingHttpHeaders } from 'node:http';

/**
 * Removes the headers a `Connection` header names (RFC 9110 §7.6.1), except the connection options themselves
 * (`keep-alive`, `close`, `upgrade`), which the caller handles. The common values name nothing else and cost one
 * comparison.
 */
export function removeConnectionListed(headers: IncomingHttpHeaders, connection: string | string[]): void {
  const value = Array.isArray(connection) ? connection.join(',') : connection;
  if (isConnectionOption(value)) return;
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name !== '' && !isConnectionOption(name)) delete headers[name];
  }
}

function isConnectionOption(token: string): boolean {
  const lower = token.length <= 10 ? token.toLowerCase() : token;
  return lower === 'keep-alive' || lower === 'close' || lower === 'upgrade';
}

/** Whether a comma-separated header value contains `token` (case-insensitive, parameters ignored). */
export function hasToken(value: string | string[], token: string): boolean {
  const text = (Array.isArray(value) ? value.join(',') : value).toLowerCase();
  if (text === token) return true;
  for (const part of text.split(',')) {
    const semicolon = part.indexOf(';');
    if ((semicolon === -1 ? part : part.slice(0, semicolon)).trim() === token) return true;
  }
  return false;
}
