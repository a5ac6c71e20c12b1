import { describe, expect, it, jest } from '@jest/globals';
import { backtrackingRisk } from '@gantry/config';
import { checkPluginConfig, createHandler, exitJson, runAccess, testRequest } from '../testing/plugin-harness';
import { BOT_PATTERNS } from './bot-patterns';
import { botDetection } from './handler';

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'curl/8.4.0',
  'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
];

const BOTS = [
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Twitterbot/1.0',
  'Python-urllib/3.11',
  'Apache-HttpClient/4.5.13 (Java/17.0.1)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Scrapy/2.11.0 (+https://scrapy.org)',
  'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)',
  'SomeCrawler 1.2',
  'WordPress/6.4; https://example.com',
];

async function statusFor(userAgent: string | undefined, config: Record<string, unknown> = {}): Promise<number> {
  const headers = userAgent === undefined ? {} : { 'user-agent': userAgent };
  const kong = await runAccess(createHandler(botDetection, config as never), testRequest({ headers }));
  return kong.exited?.status ?? 200;
}

describe('bot-detection config', () => {
  it('fills in Kong 3.x defaults', () => {
    const check = checkPluginConfig(botDetection, {});
    expect(check.ok && check.config).toEqual({ allow: [], deny: [] });
  });

  it('rejects patterns that are not regexes, naming the field', () => {
    expect(checkPluginConfig(botDetection, { deny: ['ok', '[bad'] })).toEqual({
      ok: false,
      errors: { config: { deny: [null, 'not a valid regex: [bad'] } },
    });
  });

  it('refuses patterns that could backtrack catastrophically', () => {
    const check = checkPluginConfig(botDetection, { allow: ['^(\\w+\\s?)+$'] });
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).toContain('backtrack');
  });
});

describe('bot-detection', () => {
  it('lets browsers and requests without a User-Agent through', async () => {
    for (const agent of BROWSERS) expect([agent, await statusFor(agent)]).toEqual([agent, 200]);
    expect(await statusFor(undefined)).toBe(200);
  });

  it("refuses Kong's known bots with 403 Forbidden", async () => {
    for (const agent of BOTS) expect([agent, await statusFor(agent)]).toEqual([agent, 403]);
    const kong = await runAccess(createHandler(botDetection), testRequest({ headers: { 'user-agent': BOTS[0] } }));
    expect(exitJson(kong)).toEqual({ message: 'Forbidden', request_id: 'test-request-id' });
  });

  it('lets allowed bots through, and refuses denied agents', async () => {
    expect(await statusFor(BOTS[0], { allow: ['Googlebot'] })).toBe(200);
    expect(await statusFor(BROWSERS[3], { deny: ['^curl/'] })).toBe(403);
    // Allow wins over deny.
    expect(await statusFor(BROWSERS[3], { allow: ['curl'], deny: ['curl'] })).toBe(200);
  });

  it('trims the User-Agent before matching', async () => {
    expect(await statusFor('  curl/8.4.0  ', { deny: ['^curl/8\\.4\\.0$'] })).toBe(403);
  });

  it('answers 400 to a request with several User-Agent headers', async () => {
    const kong = testRequest({ headers: { 'user-agent': 'a' } });
    kong.raw.rawHeaders = ['User-Agent', 'a', 'user-agent', 'b'];
    await runAccess(createHandler(botDetection), kong);
    expect(kong.exited?.status).toBe(400);
    expect(exitJson(kong)).toMatchObject({ message: 'Only one User-Agent header allowed' });
  });

  it('remembers the decision per User-Agent', async () => {
    const handler = createHandler(botDetection, { deny: ['evil'] });
    const test = jest.spyOn(RegExp.prototype, 'test');
    await runAccess(handler, testRequest({ headers: { 'user-agent': 'evil/1' } }));
    const calls = test.mock.calls.length;
    const kong = await runAccess(handler, testRequest({ headers: { 'user-agent': 'evil/1' } }));
    expect(test.mock.calls.length).toBe(calls);
    expect(kong.exited?.status).toBe(403);
    test.mockRestore();
  });

  it('ships only patterns that cannot backtrack catastrophically', () => {
    // The long list of names is an alternation of literals; its branches are checked one by one (none has a `|`).
    const named = BOT_PATTERNS.find((source) => source.includes('Googlebot'))!;
    const checked = [...BOT_PATTERNS.filter((source) => source !== named), ...named.split('|')];
    for (const source of checked) expect([source, backtrackingRisk(source, '')]).toEqual([source, undefined]);
  });
});
