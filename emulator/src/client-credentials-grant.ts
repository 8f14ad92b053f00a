/**
 * `grant_type=client_credentials`: an app-only access token for `scope=<resource>/.default`,
 * whose `roles` are the app roles granted to the client on that API (or on Microsoft Graph, whose
 * tokens are issued without `roles` when none are granted, as at Microsoft). No ID token, no
 * refresh token.
 */
import type { Core } from './context.js';
import { aadsts } from './aadsts.js';
import { apiAppToken } from './access-tokens.js';
import { graphAppToken } from './graph-tokens.js';
import type { Caller } from './access-tokens.js';
import { GRAPH_IDS, findApi } from './api-registry.js';
import type { ApiResource } from './api-registry.js';
import type { TenantPath } from './tenants.js';

/** The app roles of `resource` granted to the caller (named by Application ID URI or application id). */
function grantedRoles(caller: Caller, resource: ApiResource): string[] {
  const granted = caller.client.appRoles ?? {};
  const keys = [resource.api.applicationIdUri, resource.owner.clientID].map((k) => k.toLowerCase());
  const roles = Object.entries(granted)
    .filter(([id]) => keys.includes(id.toLowerCase()))
    .flatMap(([, list]) => list);
  return resource.api.appRoles.filter((role) => roles.includes(role));
}

/** The one resource of a client-credentials `scope` (`<resource>/.default`): an API, or Graph. */
function resourceOf(core: Core, scope: string | null, tenant: TenantPath): ApiResource | 'graph' {
  const scopes = (scope ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) throw aadsts(900144, { values: { parameter: 'scope' } });
  const plain = scopes.find((s) => !s.toLowerCase().endsWith('/.default'));
  if (plain !== undefined) throw aadsts(1002012, { values: { scope: plain } });
  const identifiers = new Set(scopes.map((s) => s.slice(0, -'/.default'.length).toLowerCase()));
  if (identifiers.size > 1) throw aadsts(28000, { values: { scope: scopes.join(' ') } });
  const identifier = (scopes[0] ?? '').slice(0, -'/.default'.length);
  if (GRAPH_IDS.includes(identifier.toLowerCase())) return 'graph';
  const resource = findApi(core.clients, identifier);
  if (resource === undefined)
    throw aadsts(500011, { values: { resource: identifier, tenant: tenant.segment } });
  return resource;
}

/** `grant_type=client_credentials` for an authenticated confidential client. */
export function clientCredentialsGrant(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  tenant: TenantPath,
): Record<string, unknown> {
  if (caller.acr === '0') throw aadsts(7000218);
  // App-only tokens are for one tenant: `common`, `organizations` and `consumers` name none.
  if (tenant.tid === null || tenant.kind === 'consumers') throw aadsts(50059);
  const resource = resourceOf(core, form.get('scope'), tenant);
  // Drawn before the token is made, so that its exp and expires_in agree.
  const expiresIn = core.drawAccessTokenLifetime();
  const answer = (token: string): Record<string, unknown> => ({
    token_type: 'Bearer',
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  });
  if (resource === 'graph') {
    const granted = caller.client.appRoles ?? {};
    const roles = Object.entries(granted)
      .filter(([id]) => GRAPH_IDS.includes(id.toLowerCase()))
      .flatMap(([, list]) => list);
    return answer(graphAppToken(core, caller, tenant.tid, [...new Set(roles)]));
  }
  const roles = grantedRoles(caller, resource);
  if (roles.length === 0)
    throw aadsts(501051, {
      values: {
        app: caller.client.clientID,
        appName: caller.client.name ?? caller.client.clientID,
        resource: resource.identifier,
        resourceName: resource.owner.name ?? resource.owner.clientID,
      },
    });
  return answer(apiAppToken(core, { caller, tenant, tid: tenant.tid, resource, roles }));
}
