import { describe, expect, it } from '@jest/globals';
import type { Entity, JsonObject } from '@gantry/config';
import {
  checkPluginConfig,
  createHandler,
  directoryWith,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { acl } from './handler';

const definition = acl;
const bob: Entity = { id: 'c0000000-0000-4000-8000-000000000001', username: 'bob' };
const eve: Entity = { id: 'c0000000-0000-4000-8000-000000000002', username: 'eve' };
const membership = (id: string, consumer: Entity, group: string): Entity => ({
  id,
  group,
  consumer: { id: consumer.id },
});

function env() {
  return testEnvironment({
    consumers: directoryWith({
      consumers: [bob, eve],
      acls: [membership('a1', bob, 'admin'), membership('a2', bob, 'ops')],
    }),
  });
}

async function as(consumer: Entity | null, config: JsonObject, setup?: (kong: ReturnType<typeof testRequest>) => void) {
  const kong = testRequest({ headers: { 'x-consumer-groups': 'forged' } });
  if (consumer !== null) kong.authenticate(consumer, { id: `cred-${consumer.id}` });
  setup?.(kong);
  return runAccess(createHandler(definition, config, env()), kong);
}

describe('acl config', () => {
  it('fills in Kong defaults', () => {
    expect(checkPluginConfig(definition, { allow: ['admin'] })).toMatchObject({
      ok: true,
      config: {
        allow: ['admin'],
        deny: null,
        hide_groups_header: false,
        include_consumer_groups: false,
        always_use_authenticated_groups: false,
      },
    });
  });

  it('needs exactly one of allow and deny', () => {
    const message = "exactly one of these fields must be non-empty: 'config.allow', 'config.deny'";
    expect(checkPluginConfig(definition, { allow: ['a'], deny: ['b'] })).toEqual({
      ok: false,
      errors: { '@entity': [message] },
    });
    expect(checkPluginConfig(definition, {})).toEqual({
      ok: false,
      errors: {
        '@entity': [message, "at least one of these fields must be non-empty: 'config.allow', 'config.deny'"],
      },
    });
  });
});

describe('acl', () => {
  it('lets an allowed consumer through and sends its groups upstream', async () => {
    const kong = await as(bob, { allow: ['admin'] });
    expect(kong.exited).toBeNull();
    expect(kong.headers['x-consumer-groups']).toBe('admin, ops');
    expect(kong.authenticatedGroups).toEqual(['admin', 'ops']);
  });

  it('answers 403 "You cannot consume this service" to others', async () => {
    const kong = await as(eve, { allow: ['admin'] });
    expect(kong.exited?.status).toBe(403);
    expect(exitJson(kong)).toEqual({ message: 'You cannot consume this service', request_id: 'test-request-id' });
  });

  it('keeps denied groups out and lets everyone else in', async () => {
    expect((await as(bob, { deny: ['ops'] })).exited?.status).toBe(403);
    const eveKong = await as(eve, { deny: ['ops'] });
    expect(eveKong.exited).toBeNull();
    expect(eveKong.headers['x-consumer-groups']).toBe('');
  });

  it('answers 401 when no consumer was identified', async () => {
    const kong = await as(null, { allow: ['admin'] });
    expect(kong.exited?.status).toBe(401);
    expect(exitJson(kong)).toEqual({ message: 'Unauthorized', request_id: 'test-request-id' });
  });

  it('answers 403 to a credential without a consumer', async () => {
    const kong = await as(null, { allow: ['admin'] }, (k) => {
      k.credential = { id: 'external-credential' };
    });
    expect(exitJson(kong)).toMatchObject({ message: 'You cannot consume this service' });
  });

  it('hides the groups header, and any forged one', async () => {
    const kong = await as(bob, { allow: ['admin'], hide_groups_header: true });
    expect(kong.exited).toBeNull();
    expect(kong.headers['x-consumer-groups']).toBeUndefined();
  });

  it("uses an auth plugin's groups for an anonymous consumer", async () => {
    const kong = await as(null, { allow: ['ldap-admins'] }, (k) => {
      k.authenticate(eve, null, true);
      k.authenticatedGroups = ['ldap-admins'];
    });
    expect(kong.exited).toBeNull();
    expect(kong.headers['x-authenticated-groups']).toBe('ldap-admins');
    expect(kong.headers['x-consumer-groups']).toBeUndefined();
  });

  it('uses the consumer groups of an authenticated consumer unless always_use_authenticated_groups', async () => {
    const vouch = (k: ReturnType<typeof testRequest>) => {
      k.authenticatedGroups = ['ldap-admins'];
    };
    expect((await as(bob, { allow: ['ldap-admins'] }, vouch)).exited?.status).toBe(403);
    const always = await as(bob, { allow: ['ldap-admins'], always_use_authenticated_groups: true }, vouch);
    expect(always.exited).toBeNull();
    const fallback = await as(bob, { allow: ['admin'], always_use_authenticated_groups: true });
    expect(fallback.exited).toBeNull();
    expect(fallback.headers['x-consumer-groups']).toBe('admin, ops');
  });
});
