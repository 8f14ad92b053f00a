/**
 * What this API lets a verified access token do, checked on every call (a cached token included):
 * the tenant (`allowedTenants`), the client application (`allowedClientApps`), and the delegated
 * scope or application permission the route needs, after Microsoft.Identity.Web's "required scope
 * or app permission": a user token needs one of the scopes in `scp`, an app-only token one of the
 * app permissions in `roles`, and app-only tokens are refused where no app permission is accepted.
 */
import { MicrosoftAccessTokenError } from '../../errors.js';
import type { MicrosoftAccessToken, MicrosoftAccessTokenClaims } from './claims.js';

/**
 * Tenants whose tokens an API takes: tenant ids, `'*'` for any tenant, or a function asked for
 * every request (a cached token included).
 */
export type AccessTokenAllowedTenants =
  | readonly string[]
  | '*'
  | ((
      tenantId: string,
      claims: Readonly<MicrosoftAccessTokenClaims>,
    ) => boolean | Promise<boolean>);

/** What one route needs; each replaces the verifier's default for that call. */
export interface AccessTokenRequirements {
  /** Delegated scopes of which a user token needs one (in `scp`). */
  scopes?: readonly string[] | undefined;
  /** Application permissions of which an app-only token needs one (in `roles`). */
  appPermissions?: readonly string[] | undefined;
}

/** The verifier's resolved policy. */
export interface AccessTokenPolicy {
  /** Allowed tenant ids in lower case, `'*'`, or the function; `undefined`: the authority decides. */
  allowedTenants:
    | ReadonlySet<string>
    | '*'
    | Exclude<AccessTokenAllowedTenants, readonly string[] | '*'>
    | undefined;
  /** Allowed client application ids in lower case; `undefined`: any. */
  allowedClientApps: ReadonlySet<string> | undefined;
  /** Default delegated scopes; `undefined`: any scope this API issued. */
  scopes: readonly string[] | undefined;
  /** Default app permissions; `undefined`: app-only tokens refused. */
  appPermissions: readonly string[] | undefined;
}

function tenantRefused(tenantId: string): MicrosoftAccessTokenError {
  return new MicrosoftAccessTokenError(
    'tenant',
    `tokens from tenant ${tenantId} are not accepted by this API (allowedTenants)`,
  );
}

function anyOf(granted: readonly string[], accepted: readonly string[]): boolean {
  for (const value of granted) if (accepted.includes(value)) return true;
  return false;
}

function permissions(
  token: MicrosoftAccessToken,
  policy: AccessTokenPolicy,
  call: AccessTokenRequirements | undefined,
): void {
  const scopes = call?.scopes ?? policy.scopes;
  const appPermissions = call?.appPermissions ?? policy.appPermissions;
  if (token.scopes.length === 0 && token.roles.length === 0)
    throw new MicrosoftAccessTokenError(
      'insufficient_scope',
      'the token carries neither delegated scopes (scp) nor app permissions (roles)',
      { required: [...(scopes ?? []), ...(appPermissions ?? [])] },
    );
  if (token.kind === 'user') {
    if (scopes !== undefined && !anyOf(token.scopes, scopes))
      throw new MicrosoftAccessTokenError(
        'insufficient_scope',
        `the token has none of the delegated scopes this route accepts (${scopes.join(' ')})`,
        { required: scopes },
      );
    return;
  }
  if (appPermissions === undefined)
    throw new MicrosoftAccessTokenError(
      'insufficient_scope',
      'app-only tokens are not accepted here (no appPermissions are set); call with a user token',
      { required: scopes ?? [] },
    );
  if (!anyOf(token.roles, appPermissions))
    throw new MicrosoftAccessTokenError(
      'insufficient_scope',
      `the app-only token has none of the app permissions this route accepts (${appPermissions.join(' ')})`,
      { required: appPermissions },
    );
}

function clientApp(token: MicrosoftAccessToken, policy: AccessTokenPolicy): void {
  const allowed = policy.allowedClientApps;
  if (allowed !== undefined && !allowed.has(token.clientAppId.toLowerCase()))
    throw new MicrosoftAccessTokenError(
      'client_app',
      `client application ${token.clientAppId} is not accepted by this API (allowedClientApps)`,
    );
}

/**
 * Applies the policy to a verified token: tenant, client application, then the route's scope or
 * app permission. Returns the token, or a promise when an `allowedTenants` function answers with
 * one; throws (or rejects with) a {@link MicrosoftAccessTokenError}.
 */
export function applyPolicy(
  token: MicrosoftAccessToken,
  policy: AccessTokenPolicy,
  call: AccessTokenRequirements | undefined,
): MicrosoftAccessToken | Promise<MicrosoftAccessToken> {
  const tenants = policy.allowedTenants;
  if (typeof tenants === 'function') {
    const answer = tenants(token.tenantId, token.claims);
    if (answer instanceof Promise)
      return answer.then((allowed) => {
        if (allowed !== true) throw tenantRefused(token.tenantId);
        clientApp(token, policy);
        permissions(token, policy, call);
        return token;
      });
    if (answer !== true) throw tenantRefused(token.tenantId);
  } else if (tenants !== undefined && tenants !== '*' && !tenants.has(token.tenantId.toLowerCase()))
    throw tenantRefused(token.tenantId);
  clientApp(token, policy);
  permissions(token, policy, call);
  return token;
}
