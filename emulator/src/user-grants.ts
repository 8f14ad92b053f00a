/**
 * The user grants of the token endpoint: `authorization_code` (with PKCE) and `refresh_token`
 * (also for another resource than the one first granted, as at Microsoft), and the tokens they
 * issue: an access token for Graph, for a registered API or for another resource, a refresh
 * token with `offline_access`, an ID token with `openid`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CodeGrant, Core, TokenGrant } from './context.js';
import { aadsts } from './aadsts.js';
import { apiUserToken } from './access-tokens.js';
import { graphUserToken } from './graph-tokens.js';
import type { Caller } from './access-tokens.js';
import { apiOfUserScopes, scopeResource } from './api-registry.js';
import { secretsEqual } from './client-auth.js';
import { idTokenClaims } from './id-token.js';
import { grantedScopes, hasScope } from './scopes.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorUser } from './emulator-types.js';
import { CONSUMER_TENANT_ID } from './users.js';

/** Refresh-token lifetime (Microsoft: 90 days, sliding). */
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

function checkPkce(grant: CodeGrant, verifier: string | undefined): void {
  if (grant.codeChallenge === undefined) return;
  if (!verifier) throw aadsts(501481);
  const computed =
    grant.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  if (!secretsEqual(computed, grant.codeChallenge)) throw aadsts(501481);
}

/** The user a grant was issued for (AADSTS70000 when it no longer exists). */
export function findUser(core: Core, key: string): EmulatorUser {
  const user = core.users.find((u) => u.key === key);
  if (!user) throw aadsts(70000, { detail: 'The user no longer exists.' });
  return user;
}

function expired(): Error {
  return aadsts(70008);
}

/** Redeems an authorization code (single use, same client, tenant and redirect URI, PKCE). */
function redeemCode(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  tenant: TenantPath,
): CodeGrant {
  const code = form.get('code');
  if (!code) throw aadsts(900144, { values: { parameter: 'code' } });
  const grant = core.codes.get(code);
  if (!grant || grant.clientID !== caller.client.clientID)
    throw aadsts(9002313, {
      detail: 'The authorization code is not valid.',
      error: 'invalid_grant',
    });
  if (grant.redeemed) throw aadsts(54005);
  if (grant.expiresAt <= core.now()) throw expired();
  if (grant.tenant.identity !== tenant.identity) throw aadsts(700005);
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) throw aadsts(900144, { values: { parameter: 'redirect_uri' } });
  if (redirectUri !== grant.redirectUri)
    throw aadsts(50011, { values: { redirectUri, app: caller.client.clientID } });
  checkPkce(grant, form.get('code_verifier') ?? undefined);
  grant.redeemed = true;
  return grant;
}

/** The grant of a refresh token issued to this client. */
function refreshGrant(core: Core, form: URLSearchParams, caller: Caller): TokenGrant {
  const token = form.get('refresh_token');
  if (!token) throw aadsts(900144, { values: { parameter: 'refresh_token' } });
  const grant = core.refreshTokens.get(token);
  if (!grant)
    throw aadsts(9002313, { detail: 'The refresh token is not valid.', error: 'invalid_grant' });
  if (grant.clientID !== caller.client.clientID)
    throw aadsts(70000, { detail: 'The refresh token was issued to a different client.' });
  if (grant.expiresAt <= core.now()) throw expired();
  return grant;
}

/**
 * The scopes of a refresh request: with `scope`, the resource it names (a refresh token is good
 * for any resource) plus the OIDC scopes first granted; without, the scopes first granted.
 */
function refreshScopes(form: URLSearchParams, grant: TokenGrant): string[] {
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.length === 0) return grant.scopes;
  const oidc = ['openid', 'profile', 'email', 'offline_access'].filter((s) =>
    hasScope(grant.scopes, s),
  );
  return grantedScopes([...oidc, ...requested]);
}

/** The access token of a user grant and the scopes it reports. */
function accessToken(
  core: Core,
  caller: Caller,
  user: EmulatorUser,
  tenant: TenantPath,
  scopes: string[],
): { token: string; scopes: string[]; api: boolean } {
  const api = apiOfUserScopes(core.clients, caller.client, scopes);
  if (api !== undefined) {
    const prefix = api.resource.identifier;
    const granted = [
      ...scopes.filter((s) => scopeResource(core.clients, s).kind === 'oidc'),
      ...api.names.map((n) => `${prefix}/${n}`),
    ];
    const token = apiUserToken(core, {
      caller,
      user,
      tenant,
      resource: api.resource,
      names: api.names,
    });
    return { token, scopes: granted, api: true };
  }
  const resources = scopes
    .map((s) => scopeResource(core.clients, s).kind)
    .filter((k) => k !== 'oidc');
  const workforce = tenant.kind !== 'b2c' && tenant.kind !== 'external-id';
  if (resources.every((k) => k === 'graph') && workforce && user.tid !== CONSUMER_TENANT_ID) {
    const graphScopes = scopes.filter((s) => scopeResource(core.clients, s).kind === 'graph');
    return { token: graphUserToken(core, caller, user, user.tid, graphScopes), scopes, api: false };
  }
  // Personal accounts' Graph tokens (and tokens for resources the emulator does not know) are opaque.
  return { token: `EwB${randomBytes(96).toString('base64url')}`, scopes, api: false };
}

/** Issues the tokens of a user grant (also used by the on-behalf-of and device code grants). */
export function issueTokens(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  user: EmulatorUser,
  requested: string[],
  tenant: TenantPath,
  nonce: string | undefined,
): Record<string, unknown> {
  const expiresIn = core.drawAccessTokenLifetime();
  const { token, scopes, api } = accessToken(core, caller, user, tenant, requested);
  const grant: TokenGrant = {
    clientID: caller.client.clientID,
    userKey: user.key,
    scopes,
    tenant,
    expiresAt: core.now() + expiresIn * 1000,
  };
  // The emulator's Graph routes accept Graph tokens (and those of resources it does not know).
  if (!api) core.accessTokens.set(token, grant);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopes.join(' '),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  };
  if (hasScope(scopes, 'offline_access')) {
    const refreshToken = `${user.kind === 'personal' ? 'M.C5' : '1.AX'}_${randomBytes(96).toString('base64url')}`;
    core.refreshTokens.set(refreshToken, {
      ...grant,
      expiresAt: core.now() + REFRESH_TOKEN_LIFETIME_MS,
    });
    body['refresh_token'] = refreshToken;
  }
  if (hasScope(scopes, 'openid')) {
    const customer = tenant.kind === 'external-id' || tenant.kind === 'b2c';
    const key = core.keys.active(
      user.tid === CONSUMER_TENANT_ID && !customer ? 'consumer' : 'template',
    );
    body['id_token'] = core.keys.sign(
      idTokenClaims(core, user, caller.client.clientID, scopes, nonce, tenant),
      key,
    );
  }
  if (form.get('client_info') === '1') {
    body['client_info'] = Buffer.from(JSON.stringify({ uid: user.oid, utid: user.tid })).toString(
      'base64url',
    );
  }
  return body;
}

/** `grant_type=authorization_code`. */
export function authorizationCodeGrant(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  tenant: TenantPath,
): Record<string, unknown> {
  const grant = redeemCode(core, form, caller, tenant);
  const user = findUser(core, grant.userKey);
  const scopes = grantedScopes(grant.scopes);
  return issueTokens(core, form, caller, user, scopes, grant.tenant, grant.nonce);
}

/** `grant_type=refresh_token`, with `scope` naming the resource wanted (default: the first one). */
export function refreshTokenGrant(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
): Record<string, unknown> {
  const grant = refreshGrant(core, form, caller);
  const user = findUser(core, grant.userKey);
  const scopes = refreshScopes(form, grant);
  return issueTokens(core, form, caller, user, scopes, grant.tenant, undefined);
}
