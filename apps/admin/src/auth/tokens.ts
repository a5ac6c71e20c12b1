import { readFileSync } from 'node:fs';
import { SettingsError, type AdminSettings } from '@gantry/settings';
import { parse as parseYaml } from 'yaml';

/** What a token may do: `read` answers GETs, `admin` may also write. */
export type Role = 'read' | 'admin';

/** One configured admin token. `name` is recorded as the actor of the events it writes. */
export interface AdminToken {
  readonly name: string;
  readonly role: Role;
  readonly token: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const MIN_TOKEN_LENGTH = 8;

function check(variable: string, entry: { name: unknown; role: unknown; token: unknown }, where: string): AdminToken {
  const { name, role, token } = entry;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new SettingsError(variable, `${where}: name must match ${NAME_RE.source}`);
  }
  if (role !== 'read' && role !== 'admin') {
    throw new SettingsError(variable, `${where}: role must be read or admin, got "${String(role)}"`);
  }
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new SettingsError(variable, `${where}: token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return { name, role, token };
}

/** Parses `name:role:token[,name:role:token...]` (`GANTRY_ADMIN_TOKENS`). The token is everything after the second colon. */
export function parseTokenList(raw: string, variable = 'GANTRY_ADMIN_TOKENS'): AdminToken[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item, i) => {
      const first = item.indexOf(':');
      const second = first < 0 ? -1 : item.indexOf(':', first + 1);
      if (second < 0) throw new SettingsError(variable, `entry ${i + 1}: expected name:role:token`);
      const entry = { name: item.slice(0, first), role: item.slice(first + 1, second), token: item.slice(second + 1) };
      return check(variable, entry, `entry ${i + 1} (${entry.name})`);
    });
}

/** Parses a tokens file: a YAML or JSON list of `{name, role, token}` (or `{tokens: [...]}`). */
export function parseTokenFile(text: string, variable = 'GANTRY_ADMIN_TOKENS_FILE'): AdminToken[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new SettingsError(variable, `cannot parse: ${(error as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new SettingsError(variable, 'expected a list of {name, role, token}');
  return list.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null)
      throw new SettingsError(variable, `entry ${i + 1}: expected an object`);
    const { name, role, token } = item as Record<string, unknown>;
    return check(variable, { name, role, token }, `entry ${i + 1}`);
  });
}

/** Every token configured through `GANTRY_ADMIN_TOKENS` and `GANTRY_ADMIN_TOKENS_FILE`; names must be unique. */
export function loadAdminTokens(settings: Pick<AdminSettings, 'tokens' | 'tokensFile'>): AdminToken[] {
  const tokens = settings.tokens === undefined ? [] : parseTokenList(settings.tokens);
  if (settings.tokensFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(settings.tokensFile, 'utf8');
    } catch (error) {
      throw new SettingsError(
        'GANTRY_ADMIN_TOKENS_FILE',
        `cannot read ${settings.tokensFile}: ${(error as Error).message}`,
      );
    }
    tokens.push(...parseTokenFile(text));
  }
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.name)) throw new SettingsError('GANTRY_ADMIN_TOKENS', `token name "${t.name}" is used twice`);
    if (secrets.has(t.token))
      throw new SettingsError('GANTRY_ADMIN_TOKENS', `token "${t.name}" reuses another token's secret`);
    names.add(t.name);
    secrets.add(t.token);
  }
  return tokens;
}
