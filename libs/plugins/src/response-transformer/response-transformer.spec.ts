import { describe, expect, it } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import type { JsonObject } from '@gantry/config';
import { checkPluginConfig, createHandler, runResponse, testRequest } from '../testing/plugin-harness';
import { responseTransformer } from './handler';
import { luaToNumber } from '../shared/lua-number';
import { jsonValue } from './json-value';

const definition = responseTransformer;

function respond(config: JsonObject, headers: IncomingHttpHeaders, body?: string) {
  return runResponse(createHandler(definition, config), testRequest(), 200, headers, body);
}

function errorsOf(config: JsonObject): unknown {
  const check = checkPluginConfig(definition, config);
  return check.ok ? undefined : check.errors;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': '99' };

describe('response-transformer config', () => {
  it('fills Kong defaults', () => {
    const check = checkPluginConfig(definition, {});
    const values = { json: [], json_types: [], headers: [] };
    expect(check.ok && check.config).toEqual({
      remove: { json: [], headers: [] },
      rename: { json: [], headers: [] },
      replace: values,
      add: values,
      append: values,
    });
  });

  it('refuses entries without a colon and bad json_types, naming the field', () => {
    expect(errorsOf({ add: { json: ['nokey'] } })).toEqual({ config: { add: { json: ['invalid value: nokey'] } } });
    expect(errorsOf({ append: { json_types: ['object'] } })).toEqual({
      config: { append: { json_types: ['expected one of: boolean, number, string'] } },
    });
    expect(errorsOf({ rename: { headers: ['x-a:not valid'] } })).toEqual({
      config: { rename: { headers: ["'not valid' is not a valid header"] } },
    });
    expect(errorsOf({ replace: { headers: ['x-a:bad\nvalue'] } })).toEqual({
      config: { replace: { headers: ["'bad\nvalue' is not a valid header"] } },
    });
    expect(errorsOf({ remove: { headers: null } })).toEqual({
      config: { remove: { headers: 'required field missing' } },
    });
  });
});

describe('response-transformer headers', () => {
  it('removes, renames, replaces, adds and appends', () => {
    const { view } = respond(
      {
        remove: { headers: ['x-gone'] },
        rename: { headers: ['x-old:x-new'] },
        replace: { headers: ['x-present:replaced', 'x-absent:never'] },
        add: { headers: ['x-present:not-added', 'x-added:yes'] },
        append: { headers: ['x-added:again', 'x-list:one'] },
      },
      { 'x-gone': '1', 'x-old': 'v', 'x-present': 'orig' },
    );
    expect(view.headers).toEqual({
      'x-new': 'v',
      'x-present': 'replaced',
      'x-added': ['yes', 'again'],
      'x-list': 'one',
    });
  });

  it('tests existence against the headers as received, as Kong does', () => {
    const { view } = respond(
      { remove: { headers: ['x-a'] }, replace: { headers: ['x-a:back'] }, add: { headers: ['x-a:never'] } },
      { 'x-a': 'orig' },
    );
    expect(view.headers['x-a']).toBe('back');
  });

  it('leaves Content-Length alone when no JSON operation applies', () => {
    const { view } = respond({ add: { headers: ['x:1'] } }, { ...JSON_HEADERS });
    expect(view.headers['content-length']).toBe('99');
    const notJson = respond({ add: { json: ['a:1'] } }, { 'content-type': 'text/plain', 'content-length': '2' }, 'hi');
    expect(notJson.view.headers['content-length']).toBe('2');
    expect(notJson.body?.toString()).toBe('hi');
  });
});

describe('response-transformer JSON body', () => {
  it('applies remove, rename, replace, add and append, and drops Content-Length', () => {
    const { view, body } = respond(
      {
        remove: { json: ['secret'] },
        rename: { json: ['old:new'] },
        replace: { json: ['name:bob', 'falsy:x', 'nul:set'] },
        add: { json: ['added:1', 'name:never'], json_types: ['number'] },
        append: { json: ['tags:b', 'fresh:v', 'count:2'], json_types: ['string', 'string', 'number'] },
      },
      { ...JSON_HEADERS },
      JSON.stringify({ secret: 1, old: 'o', name: 'ann', falsy: false, nul: null, tags: 'a', count: 1 }),
    );
    expect(view.headers['content-length']).toBeUndefined();
    expect(JSON.parse(body!.toString())).toEqual({
      new: 'o',
      name: 'bob',
      falsy: false,
      nul: 'set',
      added: 1,
      tags: ['a', 'b'],
      fresh: ['v'],
      count: [2],
    });
  });

  it('casts json_types by position and skips numbers that do not parse', () => {
    const { body } = respond(
      {
        add: {
          json: ['n:0x10', 'b:true', 'f:no', 'bad:abc', 's:42'],
          json_types: ['number', 'boolean', 'boolean', 'number'],
        },
      },
      { ...JSON_HEADERS },
      '{}',
    );
    expect(JSON.parse(body!.toString())).toEqual({ n: 16, b: true, f: false, s: '42' });
  });

  it('recognises application/*+json but not malformed types', () => {
    const handler = createHandler(definition, { add: { json: ['a:1'] } });
    const kong = testRequest();
    const view = (ct: string) => ({ status: 200, headers: { 'content-type': ct }, source: 'upstream' as const });
    expect(handler.wantsBody!(kong, view('application/problem+json'))).toBe(true);
    expect(handler.wantsBody!(kong, view('text/html, application/json'))).toBe(true);
    expect(handler.wantsBody!(kong, view('application/json;'))).toBe(false);
    expect(handler.wantsBody!(kong, view('text/json'))).toBe(false);
  });

  it('sends bodies that are not JSON objects unchanged', () => {
    expect(respond({ add: { json: ['a:1'] } }, { ...JSON_HEADERS }, '[1,2]').body?.toString()).toBe('[1,2]');
    expect(respond({ add: { json: ['a:1'] } }, { ...JSON_HEADERS }, '{oops').body?.toString()).toBe('{oops');
  });

  it('counts rename.json alone as a body operation', () => {
    const { body } = respond({ rename: { json: ['a:b'] } }, { ...JSON_HEADERS }, '{"a":1}');
    expect(body?.toString()).toBe('{"b":1}');
  });
});

describe('response-transformer values', () => {
  it('encodes values as Kong does', () => {
    expect(jsonValue('plain "quoted" / slash', undefined)).toBe('plain "quoted" / slash');
    expect(jsonValue('a\\b', undefined)).toBe('a\\\\b');
    expect(jsonValue(null, undefined)).toBe('null');
    expect(jsonValue('true', 'boolean')).toBe(true);
    expect(jsonValue('1.5e2', 'number')).toBe(150);
  });

  it('parses numbers like Lua tonumber', () => {
    expect(luaToNumber(' 12 ')).toBe(12);
    expect(luaToNumber('-0x1F')).toBe(-31);
    expect(luaToNumber('.5')).toBe(0.5);
    expect(luaToNumber('1e999')).toBeUndefined();
    expect(luaToNumber('12abc')).toBeUndefined();
  });
});
