/**
 * Microsoft Graph access tokens the emulator signs, for work and school accounts and for daemons:
 * v1 JWTs whose header carries a `nonce` member, as Microsoft's Graph tokens do, so that an API
 * can be tested against a Graph token sent to it by mistake.
 */
import { randomUUID } from 'node:crypto';
import type { Core } from './context.js';
import { opaque, servicePrincipalOid, signToken, times } from './access-tokens.js';
import type { Caller } from './access-tokens.js';
import { GRAPH_APP_ID } from './api-registry.js';
import { pairwiseSub } from './id-token.js';
import { v1Issuer } from './tenants.js';
import type { EmulatorUser } from './emulator-types.js';

/**
 * An app-only Microsoft Graph token (client credentials): a v1 JWT with `aud`
 * `https://graph.microsoft.com`, `idtyp` "app", the Graph application permissions granted to the
 * client as `roles` (absent when none, as at Microsoft), and a `nonce` header member.
 */
export function graphAppToken(
  core: Core,
  caller: Caller,
  tid: string,
  roles: readonly string[],
): string {
  const { aio, rh, uti } = opaque();
  const oid = servicePrincipalOid(caller.client.clientID, tid);
  const claims: Record<string, unknown> = {
    aud: 'https://graph.microsoft.com',
    iss: v1Issuer(core.url, tid),
    ...times(core),
    aio,
    app_displayname: caller.client.name ?? caller.client.clientID,
    appid: caller.client.clientID,
    appidacr: caller.acr,
    idp: v1Issuer(core.url, tid),
    idtyp: 'app',
    oid,
    rh,
  };
  if (roles.length > 0) claims['roles'] = [...roles];
  Object.assign(claims, { sub: oid, tid, uti, ver: '1.0' });
  return signToken(core, claims, false, { nonce: randomUUID().replace(/-/g, '') });
}

/**
 * A Microsoft Graph access token of a work or school account: a v1 JWT (`aud` Graph's app id,
 * `scp` the Graph scopes) whose header carries a `nonce` member, as Microsoft's Graph tokens do.
 */
export function graphUserToken(
  core: Core,
  caller: Caller,
  user: EmulatorUser,
  tid: string,
  scopes: readonly string[],
): string {
  const { aio, rh, uti } = opaque();
  const claims: Record<string, unknown> = {
    aud: GRAPH_APP_ID,
    iss: v1Issuer(core.url, tid),
    ...times(core),
    acct: 0,
    acr: '1',
    aio,
    amr: ['pwd'],
    app_displayname: caller.client.name ?? caller.client.clientID,
    appid: caller.client.clientID,
    appidacr: caller.acr,
  };
  if (user.surname !== undefined) claims['family_name'] = user.surname;
  if (user.givenName !== undefined) claims['given_name'] = user.givenName;
  if (user.idp !== undefined) claims['idp'] = user.idp;
  Object.assign(claims, {
    idtyp: 'user',
    name: user.displayName,
    oid: user.oid,
    rh,
    scp: scopes.join(' '),
    sub: pairwiseSub(GRAPH_APP_ID, user.oid),
    tid,
    unique_name: user.preferredUsername,
    uti,
    ver: '1.0',
  });
  if (user.kind !== 'guest') claims['upn'] = user.preferredUsername;
  return signToken(core, claims, false, { nonce: randomUUID().replace(/-/g, '') });
}
