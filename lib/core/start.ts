/**
 * Starting a login: its scopes, the pending login (state, PKCE verifier, nonce, step-up asked
 * for, per-request tenant) and the authorize URL to send the browser to.
 */
import { parseScope } from '../config/option-checks.js';
import { authorizationURLFor } from './authorize.js';
import type { SignInContext } from './context.js';
import type { PendingLogin } from './pending-login.js';
import { createCodeVerifier, randomValue } from './pkce.js';
import type { ResolvedConfig } from './settings.js';
import type { StepUpRequest } from './step-up.js';

/** What a new pending login is made from. */
export interface PendingLoginInput {
  redirectURI: string;
  scope: readonly string[];
  /** Whether something keeps the pending login until the callback. */
  keep: boolean;
  appState?: unknown;
  /** Freshness and authentication context asked for (see `stepUpRequestOf`). */
  stepUp?: StepUpRequest;
  /** A per-request tenant (checked: GUID or domain, multi-tenant authority only). */
  tenant?: string | undefined;
  /** Who the per-request options were given to, for error messages. */
  who: string;
}

/** True when an option relies on the ID token: allowedTenants, or profileSource 'id_token'. */
export function needsIdToken(config: Readonly<ResolvedConfig>): boolean {
  return config.allowedTenants !== undefined || config.profileSource === 'id_token';
}

/** The scopes of a login: the per-request ones, else the configured ones. */
export function scopeFor(
  config: Readonly<ResolvedConfig>,
  scope: string | readonly string[] | undefined,
  what: string,
): string[] {
  const list = scope !== undefined ? parseScope(scope) : config.scope;
  if (list.length === 0) throw new TypeError(`${what} must name at least one scope`);
  if (!list.includes('openid') && needsIdToken(config)) {
    throw new TypeError(
      `${what} must include openid: allowedTenants and profileSource "id_token" rely on the verified ID token`,
    );
  }
  return list;
}

/**
 * A new pending login. With `keep` false (nothing keeps it until the callback), no nonce and
 * no PKCE verifier are made, since none could be checked.
 */
export function createPendingLogin(ctx: SignInContext, input: PendingLoginInput): PendingLogin {
  const { who } = input;
  const tenant = ctx.endpoints.checkTenant(input.tenant, who);
  const openid = input.scope.includes('openid');
  const pending: PendingLogin = { '@microsoft': 1, redirectURI: input.redirectURI, openid };
  if (!input.keep) {
    // Without a kept pending login the callback could not know the tenant: refuse, not guess.
    if (tenant !== undefined)
      throw new TypeError(
        `${who} option tenant needs state: the tenant is kept with the pending login`,
      );
    // Likewise a freshness or authentication-context requirement would be sent but never checked.
    const { maxAge, freshLogin, acrs } = input.stepUp ?? {};
    const unchecked =
      maxAge !== undefined ? 'maxAge' : freshLogin ? "prompt 'login'" : acrs ? 'claims (acrs)' : '';
    if (unchecked !== '')
      throw new TypeError(
        `${who} option ${unchecked} needs state: the requirement is kept with the pending login, and without it the callback could not enforce it`,
      );
    return pending;
  }
  if (tenant !== undefined) pending.tenant = tenant;
  if (openid) pending.nonce = randomValue();
  if (ctx.config.pkce) pending.codeVerifier = createCodeVerifier();
  if (input.appState !== undefined) pending.appState = input.appState;
  const stepUp = input.stepUp ?? {};
  if (stepUp.maxAge !== undefined) pending.maxAge = stepUp.maxAge;
  if (stepUp.acrs !== undefined) pending.acrs = [...stepUp.acrs];
  if (stepUp.freshLogin === true) {
    // prompt=login: the ID token's auth_time must not predate this moment.
    pending.freshLogin = true;
    pending.createdAt = Math.floor(ctx.now() / 1000);
  }
  return pending;
}

/**
 * The authorize URL of a pending login, with `state` and extra parameters: the pending login's
 * tenant's, or the discovered one for a customer identity authority.
 */
export async function authorizationURL(
  ctx: SignInContext,
  pending: PendingLogin,
  scope: readonly string[],
  state: string | undefined,
  params: Record<string, string>,
): Promise<string> {
  const endpoints = await ctx.endpoints.of(pending.tenant);
  return authorizationURLFor(pending, {
    authorizationURL: endpoints.authorizationURL,
    clientID: ctx.config.clientID,
    scope,
    state,
    params,
  });
}
