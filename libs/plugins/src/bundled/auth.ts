import { acl } from '../acl/handler';
import { basicAuth } from '../basic-auth/handler';
import { hmacAuth } from '../hmac-auth/handler';
import { jwt } from '../jwt/handler';
import { keyAuth } from '../key-auth/handler';
import type { PluginDefinition } from '../runtime/plugin-definition';

/** The auth plugins this build bundles. */
export const AUTH_PLUGINS: readonly PluginDefinition<never>[] = [jwt, keyAuth, basicAuth, hmacAuth, acl];
