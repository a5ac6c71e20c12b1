/**
 * An argument as ngx's `decode_args` gives it: a string, `true` for a bare flag (`?debug`), or a list when the
 * name repeats.
 */
export type ArgValue = string | true | (string | true)[];

/** Arguments by name, in first-appearance order. */
export type Args = Map<string, ArgValue>;

function unescape(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Parses a query string or an urlencoded form body. */
export function decodeArgs(text: string): Args {
  const args: Args = new Map();
  if (text === '') return args;
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = unescape(eq < 0 ? piece : piece.slice(0, eq));
    if (name === '') continue;
    const value: string | true = eq < 0 ? true : unescape(piece.slice(eq + 1));
    const current = args.get(name);
    if (current === undefined) args.set(name, value);
    else if (Array.isArray(current)) current.push(value);
    else args.set(name, [current, value]);
  }
  return args;
}

/** Kong's `append_value`: a string becomes a list of two, a list grows, anything else restarts the list. */
export function appendArg(current: ArgValue | undefined, value: string): ArgValue {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) {
    current.push(value);
    return current;
  }
  return [value];
}

/** ngx's `escape_uri` for components: everything but `A-Za-z0-9-_.~` is percent-encoded. */
export function escapeArg(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeOne(name: string, value: string | true, out: string[]): void {
  out.push(value === true ? name : `${name}=${escapeArg(value)}`);
}

/**
 * Encodes arguments. `sorted` gives names in lexicographic order, as `kong.service.request.set_query` does
 * (a list keeps its order); otherwise the map's order is kept (ngx's `encode_args` for form bodies).
 */
export function encodeArgs(args: Args, sorted: boolean): string {
  const names = sorted ? [...args.keys()].sort() : args.keys();
  const out: string[] = [];
  for (const name of names) {
    const value = args.get(name)!;
    const escapedName = escapeArg(name);
    if (Array.isArray(value)) for (const v of value) encodeOne(escapedName, v, out);
    else encodeOne(escapedName, value, out);
  }
  return out.join('&');
}
