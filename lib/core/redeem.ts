/**
 * Redeeming a callback: the state check, the code exchange (with the PKCE verifier), the verified
 * ID token (nonce, tenant rules) and the step-up checks. The profile is loaded afterwards.
 */
import { timingSafeEqual } from 'node:crypto';
import { MicrosoftStateError, MicrosoftTenantNotAllowedError } from '../errors.js';
import type { MicrosoftIdTokenClaims } from '../types.js';
import {
  authorizationErrorOf,
  checkedErrorParams,
  readCallbackParams,
  tenantAllowed,
} from './callback.js';
import type { CallbackInput } from './callback.js';
import type { SignInContext } from './context.js';
import type { PendingLogin } from './pending-login.js';
import type { SignInResult } from './sign-in-types.js';
import { needsIdToken } from './start.js';
import { checkStepUp } from './step-up.js';

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The callback without the profile: checks the state, redeems the code and verifies the ID
 * token. `who` names the call in error messages.
 */
export async function redeem(
  ctx: SignInContext,
  input: CallbackInput,
  pendingLogin: PendingLogin,
  extraTokenParams: Record<string, string>,
  who: string,
): Promise<Omit<SignInResult, 'profile'>> {
  const params = readCallbackParams(input);
  if (pendingLogin.state !== undefined) {
    if (params.state === undefined || !sameString(params.state, pendingLogin.state)) {
      throw new MicrosoftStateError(
        'state_mismatch',
        'Unable to verify authorization request state: the callback does not carry the state of this login',
      );
    }
  }
  if (params.error !== undefined)
    throw authorizationErrorOf(checkedErrorParams({ ...params, error: params.error }));
  if (params.code === undefined || params.code === '')
    throw new MicrosoftStateError('code_missing', 'The callback carries no authorization code');
  const tokenParams: Record<string, string> = {
    ...extraTokenParams,
    grant_type: 'authorization_code',
    code: params.code,
    redirect_uri: pendingLogin.redirectURI,
  };
  if (pendingLogin.codeVerifier !== undefined)
    tokenParams['code_verifier'] = pendingLogin.codeVerifier;
  // The tenant comes from the pending login this app kept, never from the callback's query.
  const tenant = ctx.endpoints.checkTenant(pendingLogin.tenant, who);
  const { tokenURL } = await ctx.endpoints.of(tenant);
  const tokens = await ctx.tokens.request(tokenParams, { tokenURL });
  const result: Omit<SignInResult, 'profile'> = { tokens };
  // allowedTenants and profileSource 'id_token' need a verified ID token, whatever the login asked.
  if (tokens.id_token !== undefined || pendingLogin.openid || needsIdToken(ctx.config))
    result.claims = await verifiedClaims(ctx, tokens.id_token, pendingLogin.nonce, tenant);
  const now = Math.floor(ctx.now() / 1000);
  const stepUp = checkStepUp(result.claims, pendingLogin, now, ctx.config.clockTolerance);
  if (stepUp !== undefined) result.stepUp = stepUp;
  if (pendingLogin.appState !== undefined) result.appState = pendingLogin.appState;
  return result;
}

/** Verifies an ID token and applies `allowedTenants`. */
export async function verifiedClaims(
  ctx: SignInContext,
  idToken: string | undefined,
  nonce: string | undefined,
  tenant?: string,
): Promise<MicrosoftIdTokenClaims> {
  const perRequest =
    tenant === undefined
      ? undefined
      : {
          tenant,
          discoveryURL: `${ctx.endpoints.tenantAuthority(tenant)}/v2.0/.well-known/openid-configuration`,
        };
  const claims = await ctx.idTokens.verify(idToken, { nonce, tenant: perRequest });
  if (!(await tenantAllowed(ctx.config, claims)))
    throw new MicrosoftTenantNotAllowedError(claims.tid);
  return claims;
}
