/**
 * Access tokens the emulator signs as JWTs for registered APIs: user and app-only tokens, with
 * the v1 or v2 claim set the API's accepted version says (Graph's are in `graph-tokens.ts`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Core } from './context.js';
import type { ApiResource } from './api-registry.js';
import { pairwiseSub } from './id-token.js';
import { issuerOf } from './metadata.js';
import { v1Issuer } from './tenants.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorClient, EmulatorUser } from './emulator-types.js';
import { CONSUMER_TENANT_ID } from './users.js';

/** A stable object id for the service principal of `clientID` in tenant `tid`. */
export function servicePrincipalOid(clientID: string, tid: string): string {
  const h = createHash('sha256')
    .update(`sp|${tid.toLowerCase()}|${clientID.toLowerCase()}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The calling app: its registration and how it authenticated (`0` none, `1` secret, `2` certificate). */
export interface Caller {
  client: EmulatorClient;
  acr: '0' | '1' | '2';
}

/** A token's times, in seconds. */
export interface Times {
  iat: number;
  nbf: number;
  exp: number;
}

/** `iat`, `nbf` and `exp` of a token issued now. */
export function times(core: Core): Times {
  const now = Math.floor(core.now() / 1000);
  return { iat: now, nbf: now, exp: now + core.accessTokenLifetimeSeconds };
}

/** Opaque internal claims Microsoft adds (`aio`, `rh`, `uti`). */
export function opaque(): Record<string, string> {
  return {
    aio: randomBytes(40).toString('base64url'),
    rh: `1.A${randomBytes(42).toString('base64url')}.`,
    uti: randomBytes(16).toString('base64url'),
  };
}

/** Signs with the tenant's key: the consumer-bound key for personal accounts, else the active templated key (v1 tokens also carry `x5t`). */
export function signToken(
  core: Core,
  claims: Record<string, unknown>,
  consumer: boolean,
  header: Record<string, unknown> = {},
): string {
  const key = core.keys.active(consumer ? 'consumer' : 'template');
  const v1 = claims['ver'] === '1.0' && !consumer;
  return core.keys.sign(claims, key, 'RS256', key.kid, v1 ? { x5t: key.kid, ...header } : header);
}

/** What a user token is issued from. */
export interface UserTokenRequest {
  caller: Caller;
  user: EmulatorUser;
  tenant: TenantPath;
  resource: ApiResource;
  /** The delegated scopes granted (`scp`). */
  names: readonly string[];
}

/** A user (delegated) access token for a registered API. */
export function apiUserToken(core: Core, r: UserTokenRequest): string {
  const { caller, user, tenant, resource } = r;
  const customer = tenant.kind === 'external-id' || tenant.kind === 'b2c';
  const tid = customer && tenant.tid !== null ? tenant.tid : user.tid;
  const personal = tid === CONSUMER_TENANT_ID && !customer;
  const t = times(core);
  const scp = r.names.join(' ');
  const sub = pairwiseSub(resource.owner.clientID, user.oid);
  if (tenant.kind === 'b2c') {
    // B2C writes ver "1.0" with a v2-style issuer and no tid.
    return signToken(
      core,
      {
        iss: issuerOf(core, tenant, tid),
        exp: t.exp,
        nbf: t.nbf,
        aud: resource.owner.clientID,
        oid: user.oid,
        sub: user.oid,
        name: user.displayName,
        tfp: tenant.policy,
        scp,
        azp: caller.client.clientID,
        ver: '1.0',
        iat: t.iat,
      },
      false,
    );
  }
  if (resource.api.accessTokenVersion === 1 && !personal) {
    const claims: Record<string, unknown> = {
      aud: resource.identifier,
      iss: v1Issuer(core.url, tid),
      ...t,
      acr: '1',
      aio: opaque()['aio'],
      amr: ['pwd'],
      appid: caller.client.clientID,
      appidacr: caller.acr,
    };
    if (user.surname !== undefined) claims['family_name'] = user.surname;
    if (user.givenName !== undefined) claims['given_name'] = user.givenName;
    if (user.idp !== undefined) claims['idp'] = user.idp;
    claims['name'] = user.displayName;
    claims['oid'] = user.oid;
    claims['rh'] = opaque()['rh'];
    claims['scp'] = scp;
    claims['sub'] = sub;
    claims['tid'] = tid;
    claims['unique_name'] =
      user.kind === 'guest' ? `live.com#${user.preferredUsername}` : user.preferredUsername;
    if (user.kind !== 'guest') claims['upn'] = user.preferredUsername;
    claims['uti'] = opaque()['uti'];
    claims['ver'] = '1.0';
    return signToken(core, claims, false);
  }
  const { aio, rh, uti } = opaque();
  return signToken(
    core,
    {
      aud: resource.owner.clientID,
      iss: issuerOf(core, tenant, tid),
      ...t,
      aio,
      azp: caller.client.clientID,
      azpacr: caller.acr,
      name: user.displayName,
      oid: user.oid,
      preferred_username: user.preferredUsername,
      rh,
      scp,
      sub,
      tid,
      uti,
      ver: '2.0',
    },
    personal,
  );
}

/** What an app-only token is issued from. */
export interface AppTokenRequest {
  caller: Caller;
  tenant: TenantPath;
  tid: string;
  resource: ApiResource;
  /** The app roles granted to the caller on this API (`roles`). */
  roles: readonly string[];
}

/** An app-only access token (client credentials): `idtyp` "app", `roles`, no `scp`. */
export function apiAppToken(core: Core, r: AppTokenRequest): string {
  const { caller, tenant, tid, resource } = r;
  const oid = servicePrincipalOid(caller.client.clientID, tid);
  const { aio, rh, uti } = opaque();
  const t = times(core);
  if (resource.api.accessTokenVersion === 1 && tenant.kind !== 'b2c')
    return signToken(
      core,
      {
        aud: resource.identifier,
        iss: v1Issuer(core.url, tid),
        ...t,
        aio,
        appid: caller.client.clientID,
        appidacr: caller.acr,
        idp: v1Issuer(core.url, tid),
        idtyp: 'app',
        oid,
        rh,
        roles: [...r.roles],
        sub: oid,
        tid,
        uti,
        ver: '1.0',
      },
      false,
    );
  return signToken(
    core,
    {
      aud: resource.owner.clientID,
      iss: issuerOf(core, tenant, tid),
      ...t,
      aio,
      azp: caller.client.clientID,
      azpacr: caller.acr,
      idtyp: 'app',
      oid,
      rh,
      roles: [...r.roles],
      sub: oid,
      tid,
      uti,
      ver: '2.0',
    },
    false,
  );
}
