import { describe, expect, it } from '@jest/globals';
import { compileTemplate, templateProblem, type TemplateSources } from './template';

const sources: TemplateSources = {
  header: (name) => ({ 'x-user': 'ann', 'x-multi': ['a', 'b'] })[name],
  queryArg: (name) => ({ page: '2', flag: true, empty: '' })[name] as string | true | undefined,
  capture: (key) => (typeof key === 'number' ? ['/users/42', '42'][key] : { id: '42' }[key]),
  shared: { tenant: 'acme', nested: { level: 3 }, n: 7 },
};

function render(source: string): string {
  return compileTemplate(source).render(sources);
}

describe('request-transformer templates', () => {
  it('keeps text without placeholders as a constant', () => {
    const t = compileTemplate('plain value');
    expect(t.constant).toBe('plain value');
    expect(t.render(sources)).toBe('plain value');
  });

  it('renders the documented variable forms', () => {
    expect(render('$(headers.x_user)')).toBe('ann');
    expect(render('$(headers["X-User"])')).toBe('ann');
    expect(render("$(headers['x-user'])")).toBe('ann');
    expect(render('$(query_params.page)')).toBe('2');
    expect(render('$(query_params["page"])')).toBe('2');
    expect(render('$(uri_captures.id)')).toBe('42');
    expect(render('$(uri_captures[1])')).toBe('42');
    expect(render('$(uri_captures[0])')).toBe('/users/42');
    expect(render('$(shared.tenant)')).toBe('acme');
    expect(render('$(shared.nested.level)')).toBe('3');
  });

  it('mixes text and placeholders', () => {
    expect(render('Basic $(query_params.page)-$(shared.n)!')).toBe('Basic 2-7!');
  });

  it('renders nil and false as empty, flags as true, duplicates joined', () => {
    expect(render('[$(headers.missing)]')).toBe('[]');
    expect(render('$(query_params.flag)')).toBe('true');
    expect(render('[$(false)]')).toBe('[]');
    expect(render('$(headers.x_multi)')).toBe('a, b');
    expect(render('$(headers.x_multi[2])')).toBe('b');
  });

  it('supports `or` defaults and `and` with Lua truthiness', () => {
    expect(render('$(uri_captures["user-id"] or query_params["user"] or "unknown")')).toBe('unknown');
    expect(render('$(headers.missing or query_params.page)')).toBe('2');
    expect(render('$(query_params.empty or "x")')).toBe(''); // '' is truthy in Lua
    expect(render('$(headers.x_user and "yes" or "no")')).toBe('yes');
    expect(render('$(headers.nope and "yes" or "no")')).toBe('no');
  });

  it('escapes a placeholder by quoting it inside another', () => {
    expect(render("$('$(something_that_needs_to_escaped)')")).toBe('$(something_that_needs_to_escaped)');
  });

  it('leaves an unbalanced placeholder as text', () => {
    expect(render('a$(b')).toBe('a$(b');
  });

  it('reports what the templates read', () => {
    const t = compileTemplate('$(headers.a)$(shared.b)');
    expect(t.usesHeaders).toBe(true);
    expect(t.usesQuery).toBe(false);
  });

  it('refuses what it cannot evaluate, in Kong message form', () => {
    expect(templateProblem('$(uri_captures user2)')).toMatch(
      /^value '\$\(uri_captures user2\)' is not in supported format, error:/,
    );
    expect(templateProblem('$(os.getenv("HOME"))')).toContain("unknown template variable 'os'");
    expect(templateProblem('$(type(headers.a))')).toContain("unknown template variable 'type'");
    expect(templateProblem('$(headers.a:lower())')).toContain('function calls are not supported');
    expect(templateProblem('$()')).toContain('empty expression');
    expect(templateProblem('$(headers)')).toContain("'headers' must be indexed");
    expect(templateProblem('$("unfinished)')).toBeDefined();
    expect(templateProblem('$(uri_captures.user1)')).toBeUndefined();
  });
});
