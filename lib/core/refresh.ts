/**
 * Redeeming a refresh token at the authority of the login; a returned ID token is verified and
 * checked against `allowedTenants` like a login's.
 */
import { parseScope } from '../config/option-checks.js';
import { MicrosoftIdTokenError, MicrosoftTenantNotAllowedError } from '../errors.js';
import type { TokenSet } from '../types.js';
import type { SignInContext } from './context.js';
import { verifiedClaims } from './redeem.js';
import type { RefreshOptions } from './sign-in-types.js';

/** Redeems `refreshToken`; see {@link MicrosoftSignIn.refresh}. */
export async function refresh(
  ctx: SignInContext,
  refreshToken: string,
  options: RefreshOptions,
): Promise<TokenSet> {
  if (typeof refreshToken !== 'string' || refreshToken === '')
    throw new TypeError('refresh() needs a refresh token');
  const { config } = ctx;
  const scope = options.scope !== undefined ? parseScope(options.scope) : config.scope;
  if (config.allowedTenants !== undefined && !scope.includes('openid')) {
    throw new TypeError(
      'refresh() option scope must include openid: allowedTenants relies on the verified ID token',
    );
  }
  const tenant = ctx.endpoints.checkTenant(options.tenant, 'refresh()');
  const { tokenURL } = await ctx.endpoints.of(tenant);
  const res = await ctx.tokens.request(
    { grant_type: 'refresh_token', refresh_token: refreshToken, scope: scope.join(' ') },
    { tokenURL },
  );
  const set: TokenSet = { accessToken: res.access_token };
  if (res.refresh_token !== undefined) set.refreshToken = res.refresh_token;
  if (typeof res.expires_in === 'number') set.expiresIn = res.expires_in;
  if (typeof res.scope === 'string') set.scope = res.scope;
  if (typeof res.token_type === 'string') set.tokenType = res.token_type;
  if (res.id_token !== undefined) {
    set.idToken = res.id_token;
    try {
      set.claims = await verifiedClaims(ctx, res.id_token, undefined, tenant);
    } catch (err) {
      if (err instanceof MicrosoftTenantNotAllowedError)
        throw new MicrosoftIdTokenError('tenant', err.message);
      throw err;
    }
  }
  return set;
}
