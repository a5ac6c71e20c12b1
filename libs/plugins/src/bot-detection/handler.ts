import { LRUCache } from 'lru-cache';
import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { BOT_PATTERNS } from './bot-patterns';
import { botDetectionSchema, type BotDetectionConfig } from './schema';

/** Decisions remembered per instance (clients send few distinct User-Agents). */
const DECISION_CACHE_SIZE = 10_000;
const BOTS = BOT_PATTERNS.map((source) => new RegExp(source));

function anyMatch(patterns: readonly RegExp[], userAgent: string): boolean {
  for (const pattern of patterns) if (pattern.test(userAgent)) return true;
  return false;
}

/** Node keeps only the first User-Agent header; Kong refuses a request with several. */
function hasSeveralUserAgents(kong: PluginRequest): boolean {
  const raw = kong.raw.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 10 && raw[i].toLowerCase() === 'user-agent' && ++seen > 1) return true;
  }
  return false;
}

function createHandler(config: BotDetectionConfig): PluginHandler {
  const allow = config.allow.map((source) => new RegExp(source));
  const deny = config.deny.map((source) => new RegExp(source));
  const refused = new LRUCache<string, boolean>({ max: DECISION_CACHE_SIZE });

  /** Allowed patterns win; then denied patterns and the known bots refuse. */
  function isRefused(userAgent: string): boolean {
    const agent = userAgent.trim();
    if (anyMatch(allow, agent)) return false;
    return anyMatch(deny, agent) || anyMatch(BOTS, agent);
  }

  return {
    access(kong: PluginRequest): void {
      const userAgent = kong.header('user-agent');
      if (userAgent === undefined) return;
      if (hasSeveralUserAgents(kong)) {
        kong.error(400, 'Only one User-Agent header allowed');
        return;
      }
      let decision = refused.get(userAgent);
      if (decision === undefined) {
        decision = isRefused(userAgent);
        refused.set(userAgent, decision);
      }
      if (decision) kong.error(403, 'Forbidden');
    },
  };
}

/** Refuses requests from known bots and crawlers (by User-Agent), with allow and deny lists. */
export const botDetection: PluginDefinition<BotDetectionConfig> = {
  name: 'bot-detection',
  priority: 2500,
  version: '3.9.0',
  schema: botDetectionSchema,
  create: createHandler,
};
