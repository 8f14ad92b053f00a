/**
 * ID tokens: the claims the token endpoint signs for a user, in Microsoft's order.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Core } from './context.js';
import { hasScope } from './scopes.js';
import { issuerOf } from './metadata.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorUser } from './emulator-types.js';

/** ID-token lifetime (Microsoft default: one hour). */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** Pairwise `sub`: base64url SHA-256 of client id and oid (43 chars), stable per app and user. */
export function pairwiseSub(clientId: string, oid: string): string {
  return createHash('sha256')
    .update(`${clientId.toLowerCase()}|${oid.toLowerCase()}`)
    .digest('base64url');
}

/** Builds ID-token claims in Microsoft's order. */
export function idTokenClaims(
  core: Core,
  user: EmulatorUser,
  clientId: string,
  scopes: readonly string[],
  nonce: string | undefined,
  tenant?: TenantPath,
): Record<string, unknown> {
  const now = Math.floor(core.now() / 1000);
  const customer = tenant?.kind === 'external-id' || tenant?.kind === 'b2c';
  const tid = customer && tenant.tid !== null ? tenant.tid : user.tid;
  const b2c = tenant?.kind === 'b2c';
  // B2C issues name, oid and emails without the profile scope (the user flow's claims).
  const profile = hasScope(scopes, 'profile') || b2c;
  const claims: Record<string, unknown> = {
    ver: '2.0',
    iss: tenant === undefined ? core.issuer(user.tid) : issuerOf(core, tenant, tid),
    sub: pairwiseSub(clientId, user.oid),
    aud: clientId,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    iat: now,
    nbf: now,
  };
  if (profile) {
    claims['name'] = user.displayName;
    if (!b2c) claims['preferred_username'] = user.preferredUsername;
    claims['oid'] = user.oid;
  }
  if (b2c) {
    claims['emails'] = [user.email ?? user.preferredUsername];
    claims['tfp'] = tenant.policy;
  } else if (hasScope(scopes, 'email') && user.email !== undefined) claims['email'] = user.email;
  claims['tid'] = tid;
  if (nonce !== undefined) claims['nonce'] = nonce;
  if (user.idp !== undefined) claims['idp'] = user.idp;
  if (user.emailDomainVerified !== undefined) claims['xms_edov'] = user.emailDomainVerified;
  claims['aio'] = randomBytes(48).toString('base64url');
  return claims;
}
