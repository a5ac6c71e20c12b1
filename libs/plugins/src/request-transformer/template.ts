import type { ArgValue } from '../shared/lua-args';

/** Where the variables of a template come from, for one request. */
export interface TemplateSources {
  /** A request header (lower-case name), as it was before the plugin ran. */
  header(name: string): string | readonly string[] | undefined;
  /** A query argument, as it was before the plugin ran. */
  queryArg(name: string): ArgValue | undefined;
  /** `uri_captures[n]` (number) or a named group (string). */
  capture(key: string | number): string | undefined;
  /** `kong.ctx.shared`. */
  readonly shared: Readonly<Record<string, unknown>>;
}

/** A `name:value` value compiled once: literal text and `$(...)` expressions. */
export interface Template {
  readonly source: string;
  /** The text itself when the template has no expression (rendering it costs nothing). */
  readonly constant: string | null;
  /** The template reads request headers or query arguments (their pre-plugin state must be kept). */
  readonly usesHeaders: boolean;
  readonly usesQuery: boolean;
  render(sources: TemplateSources): string;
}

/** Why a template cannot be compiled; `message` is the text after Kong's "error:". */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Root = 'headers' | 'query_params' | 'uri_captures' | 'shared';
type Evaluate = (sources: TemplateSources) => unknown;

const ROOTS: ReadonlySet<string> = new Set<Root>(['headers', 'query_params', 'uri_captures', 'shared']);

/**
 * Compiles a transformer value. Kong renders `$(...)` placeholders as Lua expressions in a sandbox; Gantry has
 * no Lua, so it accepts the forms Kong documents: `headers.name`, `headers["Name"]`, `query_params.name`,
 * `uri_captures.name`, `uri_captures[1]`, `shared.name`, string/number literals, `nil`/`true`/`false`,
 * parentheses, and `or`/`and` (so `$(query_params.user or "anonymous")` gives a default). Anything else
 * (function calls, operators, other globals) is refused here, at configuration time.
 */
export function compileTemplate(source: string): Template {
  const pieces: (string | Evaluate)[] = [];
  let usesHeaders = false;
  let usesQuery = false;
  let text = '';
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('$(', pos);
    const close = open < 0 ? -1 : matchingParen(source, open + 1);
    if (close < 0) {
      text += source.slice(pos);
      break;
    }
    text += source.slice(pos, open);
    if (text !== '') pieces.push(text);
    text = '';
    const parsed = new ExpressionParser(source.slice(open + 2, close)).parse();
    usesHeaders ||= parsed.roots.has('headers');
    usesQuery ||= parsed.roots.has('query_params');
    pieces.push(parsed.evaluate);
    pos = close + 1;
  }
  if (text !== '') pieces.push(text);
  if (pieces.every((p) => typeof p === 'string')) {
    const constant = pieces.join('');
    return { source, constant, usesHeaders: false, usesQuery: false, render: () => constant };
  }
  return {
    source,
    constant: null,
    usesHeaders,
    usesQuery,
    render(sources: TemplateSources): string {
      let out = '';
      for (const piece of pieces) out += typeof piece === 'string' ? piece : luaToString(piece(sources));
      return out;
    },
  };
}

/** Kong's validation message for a value that does not compile, or undefined when it does. */
export function templateProblem(value: string): string | undefined {
  try {
    compileTemplate(value);
    return undefined;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return `value '${value}' is not in supported format, error:${error.message}`;
  }
}

/**
 * Index of the `)` closing the `(` at `open`, or -1 when unbalanced (the text then stays as it is). Quoted
 * parentheses do not count; an unterminated quote falls back to plain counting, as Penlight's `%b()` does, so
 * that the expression is then refused.
 */
function matchingParen(source: string, open: number, quoteAware = true): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (quoteAware && (c === '"' || c === "'")) {
      i = skipString(source, i);
      if (i < 0) return matchingParen(source, open, false);
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}

/** Lua's `tostring(x or '')`, as Penlight renders a placeholder. */
function luaToString(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Lua would print a table address; duplicate headers and repeated arguments read better joined.
  if (Array.isArray(value)) return value.map((v) => luaToString(v)).join(', ');
  return JSON.stringify(value);
}

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

function rootLookup(root: Root, key: unknown, sources: TemplateSources): unknown {
  switch (root) {
    case 'headers': {
      if (typeof key !== 'string') return undefined;
      const lower = key.toLowerCase();
      // ngx's header table also finds `x_custom` as `x-custom`.
      return sources.header(lower) ?? sources.header(lower.replace(/_/g, '-'));
    }
    case 'query_params':
      return typeof key === 'string' ? sources.queryArg(key) : undefined;
    case 'uri_captures':
      return typeof key === 'string' || typeof key === 'number' ? sources.capture(key) : undefined;
    case 'shared':
      return typeof key === 'string' || typeof key === 'number' ? sources.shared[String(key)] : undefined;
  }
}

/** Indexes a value below a root: arrays are 1-based (Lua tables), objects by property; anything else is nil. */
function indexValue(value: unknown, key: unknown): unknown {
  if (Array.isArray(value)) return typeof key === 'number' ? (value[key - 1] as unknown) : undefined;
  if (typeof value === 'object' && value !== null && (typeof key === 'string' || typeof key === 'number')) {
    return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return undefined;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '\n': '\n',
};

/** Recursive-descent parser for the supported subset of Lua expressions, producing closures. */
class ExpressionParser {
  private pos = 0;
  readonly roots = new Set<Root>();

  constructor(private readonly src: string) {}

  parse(): { evaluate: Evaluate; roots: ReadonlySet<Root> } {
    this.skipSpace();
    if (this.pos >= this.src.length) throw new TemplateError('empty expression');
    const evaluate = this.orExpression();
    this.skipSpace();
    if (this.pos < this.src.length) this.fail();
    return { evaluate, roots: this.roots };
  }

  private orExpression(): Evaluate {
    let left = this.andExpression();
    while (this.keyword('or')) {
      const a = left;
      const b = this.andExpression();
      left = (s) => {
        const v = a(s);
        return truthy(v) ? v : b(s);
      };
    }
    return left;
  }

  private andExpression(): Evaluate {
    let left = this.primary();
    while (this.keyword('and')) {
      const a = left;
      const b = this.primary();
      left = (s) => {
        const v = a(s);
        return truthy(v) ? b(s) : v;
      };
    }
    return left;
  }

  private primary(): Evaluate {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '(') {
      this.pos++;
      const inner = this.orExpression();
      this.expect(')');
      return inner;
    }
    if (c === '"' || c === "'") {
      const value = this.stringLiteral();
      return () => value;
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      const value = Number(number);
      return () => value;
    }
    const name = this.match(NAME);
    if (name === null) this.fail();
    if (name === 'nil') return () => undefined;
    if (name === 'true') return () => true;
    if (name === 'false') return () => false;
    if (!ROOTS.has(name)) throw new TemplateError(`unknown template variable '${name}'`);
    return this.reference(name as Root);
  }

  /** `root.key`, `root["key"]`, `root[1]`, then deeper steps into the value found. */
  private reference(root: Root): Evaluate {
    this.roots.add(root);
    const keys: Evaluate[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === '.' && this.src[this.pos + 1] !== '.') {
        this.pos++;
        this.skipSpace();
        const key = this.match(NAME);
        if (key === null) this.fail();
        keys.push(() => key);
      } else if (c === '[') {
        this.pos++;
        keys.push(this.orExpression());
        this.expect(']');
      } else if (c === '(' || c === ':' || c === '{') {
        throw new TemplateError(`function calls are not supported in '${this.src}'`);
      } else {
        break;
      }
    }
    if (keys.length === 0) throw new TemplateError(`'${root}' must be indexed, as in ${root}.name`);
    const [first, ...rest] = keys;
    return (s) => {
      let value = rootLookup(root, first(s), s);
      for (const key of rest) value = indexValue(value, key(s));
      return value;
    };
  }

  private stringLiteral(): string {
    const quote = this.src[this.pos++];
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c === quote) return out;
      if (c === '\n') break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.src[this.pos++] ?? '';
      if (ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
      } else if (/\d/.test(e)) {
        const digits = /\d{1,3}/y;
        digits.lastIndex = this.pos - 1;
        const code = digits.exec(this.src)![0];
        this.pos += code.length - 1;
        out += String.fromCharCode(Number(code));
      } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(this.src.slice(this.pos, this.pos + 2))) {
        out += String.fromCharCode(parseInt(this.src.slice(this.pos, this.pos + 2), 16));
        this.pos += 2;
      } else {
        throw new TemplateError(`invalid escape sequence '\\${e}' in '${this.src}'`);
      }
    }
    throw new TemplateError(`unfinished string in '${this.src}'`);
  }

  private keyword(word: string): boolean {
    this.skipSpace();
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (m === null || m[0] !== word) return false;
    this.pos += word.length;
    return true;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return null;
    this.pos += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.src[this.pos] !== c) this.fail();
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private fail(): never {
    const near = this.src.slice(this.pos) || '<eof>';
    throw new TemplateError(`unsupported expression '${this.src}' near '${near}'`);
  }
}
