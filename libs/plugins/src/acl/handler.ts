import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { aclSchema, type AclConfig } from './schema';

const CONSUMER_GROUPS = 'x-consumer-groups';
const AUTHENTICATED_GROUPS = 'x-authenticated-groups';
const FORBIDDEN = 'You cannot consume this service';

class AclHandler implements PluginHandler {
  private readonly deny: boolean;
  private readonly groups: ReadonlySet<string>;

  constructor(
    private readonly config: AclConfig,
    private readonly env: PluginEnvironment,
  ) {
    // As in Kong, a non-empty deny list makes this a deny rule; otherwise it is an allow rule.
    this.deny = (config.deny?.length ?? 0) > 0;
    this.groups = new Set((this.deny ? config.deny : config.allow) ?? []);
  }

  access(kong: PluginRequest): void {
    const consumer = kong.consumer;
    // Groups an auth plugin vouched for (Kong's `authenticated_groups`) stand in for an anonymous consumer's,
    // and for anyone's with `always_use_authenticated_groups`; a consumer's own groups are the fallback.
    const vouched =
      consumer === null || kong.credential === null || this.config.always_use_authenticated_groups
        ? kong.authenticatedGroups
        : null;
    if (vouched !== null) {
      this.decide(kong, vouched, AUTHENTICATED_GROUPS);
      return;
    }
    if (consumer === null) {
      // Nobody identified: 401, or 403 when a credential without a consumer got through.
      if (kong.credential !== null) kong.error(403, FORBIDDEN);
      else kong.error(401, 'Unauthorized');
      return;
    }
    this.decide(kong, [...this.env.consumers.groupsOf(consumer.id)], CONSUMER_GROUPS);
  }

  private decide(kong: PluginRequest, groups: readonly string[], header: string): void {
    const listed = groups.some((group) => this.groups.has(group));
    if (listed === this.deny) {
      kong.error(403, FORBIDDEN);
      return;
    }
    kong.authenticatedGroups = groups;
    // A client must not pass its own groups header off as the gateway's, hidden or not.
    kong.clearHeader(CONSUMER_GROUPS);
    kong.clearHeader(AUTHENTICATED_GROUPS);
    if (!this.config.hide_groups_header) kong.setHeader(header, groups.join(', '));
  }
}

/** Lets through (or keeps out) consumers by the acl groups they belong to. */
export const acl: PluginDefinition<AclConfig> = {
  name: 'acl',
  priority: 950,
  version: '3.9.0',
  schema: aclSchema,
  create: (config, env) => new AclHandler(config, env),
};
