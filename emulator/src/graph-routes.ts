/**
 * Microsoft Graph subset: `GET /{v1.0|beta}/me`, `/me/photo/$value`, `/me/photos/{size}/$value`,
 * and the OIDC UserInfo endpoint `/oidc/userinfo`.
 */
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Core, Exchange, TokenGrant } from './context.js';
import { graphErrorBody } from './error-bodies.js';
import { header, sendJson } from './http-helpers.js';
import { canReadMe } from './scopes.js';
import { pairwiseSub } from './id-token.js';
import type { EmulatorUser } from './emulator-types.js';

/** Photo sizes Microsoft 365 serves. */
export const PHOTO_SIZES: readonly string[] = Object.freeze([
  '48x48',
  '64x64',
  '96x96',
  '120x120',
  '240x240',
  '360x360',
  '432x432',
  '504x504',
  '648x648',
]);

const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

interface GraphContext {
  requestId: string;
  clientRequestId: string;
  headers: OutgoingHttpHeaders;
}

function graphContext(ex: Exchange): GraphContext {
  const requestId = randomUUID();
  const clientRequestId = header(ex.req, 'client-request-id') ?? requestId;
  return {
    requestId,
    clientRequestId,
    headers: {
      'request-id': requestId,
      'client-request-id': clientRequestId,
      'Cache-Control': 'no-cache',
    },
  };
}

function graphError(
  ex: Exchange,
  ctx: GraphContext,
  status: number,
  code: string,
  message: string,
  extra: OutgoingHttpHeaders = {},
): void {
  sendJson(
    ex.res,
    status,
    graphErrorBody(code, message, ctx.requestId, ctx.clientRequestId),
    { ...ctx.headers, ...extra },
    GRAPH_JSON,
  );
}

/** Authenticates the bearer token (Authorization header only). Sends 401/403 and returns `undefined` on failure. */
function authorize(
  core: Core,
  ex: Exchange,
  ctx: GraphContext,
): { grant: TokenGrant; user: EmulatorUser } | undefined {
  const challenge = {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="${core.url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  };
  const authorization = header(ex.req, 'authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (!token) {
    graphError(ex, ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
    return undefined;
  }
  const grant = core.accessTokens.get(token);
  if (!grant) {
    // A JWT Graph did not issue (an API's token) has the wrong audience; anything else is no JWT.
    const message =
      token.split('.').length === 3
        ? 'Invalid audience.'
        : 'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.';
    graphError(ex, ctx, 401, 'InvalidAuthenticationToken', message, challenge);
    return undefined;
  }
  if (grant.expiresAt <= core.now()) {
    graphError(
      ex,
      ctx,
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
      challenge,
    );
    return undefined;
  }
  const user = core.users.find((u) => u.key === grant.userKey);
  if (!user) {
    graphError(
      ex,
      ctx,
      404,
      'Request_ResourceNotFound',
      "Resource 'me' does not exist or one of its queried reference-property objects are not present.",
    );
    return undefined;
  }
  if (!canReadMe(grant.scopes)) {
    graphError(
      ex,
      ctx,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
    return undefined;
  }
  return { grant, user };
}

/** The Graph user resource of `user`: the default `/me` property set, in Graph's order. */
export function graphUser(user: EmulatorUser): Record<string, unknown> {
  return {
    businessPhones: user.businessPhones ?? [],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail,
    mobilePhone: user.mobilePhone ?? null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage ?? null,
    surname: user.surname ?? null,
    userPrincipalName: user.userPrincipalName,
    id: user.graphId,
  };
}

/** Answers 405 like Graph when the request's method is not one of `allowed`; true when it did. */
function refusedMethod(ex: Exchange, ctx: GraphContext, allowed: readonly string[]): boolean {
  if (allowed.includes(ex.req.method ?? '')) return false;
  graphError(
    ex,
    ctx,
    405,
    'Request_BadRequest',
    'Specified HTTP method is not allowed for the request target.',
  );
  return true;
}

/** `GET /{version}/me` (supports `$select`; unknown selected properties come back as `null`). */
export function handleGraphMe(core: Core, ex: Exchange, version: string): void {
  const ctx = graphContext(ex);
  if (refusedMethod(ex, ctx, ['GET', 'HEAD'])) return;
  const auth = authorize(core, ex, ctx);
  if (!auth) return;
  const full = graphUser(auth.user);
  // In a customer tenant (External ID, B2C) every account is a directory object of that tenant:
  // Graph's id is the object id the ID token carries as oid, as for work accounts.
  const customer = auth.grant.tenant.kind === 'external-id' || auth.grant.tenant.kind === 'b2c';
  if (customer) full['id'] = auth.user.oid;
  const select = (ex.url.searchParams.get('$select') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const base = `${core.url}/${version}/$metadata#users`;
  if (select.length === 0) {
    sendJson(
      ex.res,
      200,
      { '@odata.context': `${base}/$entity`, ...full },
      ctx.headers,
      GRAPH_JSON,
    );
    return;
  }
  const picked: Record<string, unknown> = {
    '@odata.context': `${base}(${select.join(',')})/$entity`,
  };
  for (const name of select) picked[name] = full[name] ?? null;
  sendJson(ex.res, 200, picked, ctx.headers, GRAPH_JSON);
}

/** `GET /{version}/me/photo/$value` and `/me/photos/{size}/$value`. */
export function handleGraphPhoto(core: Core, ex: Exchange, size: string | undefined): void {
  const ctx = graphContext(ex);
  // Graph also takes PUT here to change the photo; the emulator's photos are read-only.
  if (refusedMethod(ex, ctx, ['GET', 'HEAD'])) return;
  const auth = authorize(core, ex, ctx);
  if (!auth) return;
  const photo = auth.user.photo;
  if (size !== undefined && !PHOTO_SIZES.includes(size)) {
    graphError(ex, ctx, 404, 'ImageNotFound', `The photo size '${size}' is not available.`);
    return;
  }
  if (!photo) {
    graphError(
      ex,
      ctx,
      404,
      'ImageNotFound',
      "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.",
    );
    return;
  }
  ex.res.writeHead(200, {
    ...ctx.headers,
    'Content-Type': photo.contentType,
    'Content-Length': photo.data.length,
    ETag: `W/"${auth.user.graphId}"`,
  });
  ex.res.end(photo.data);
}

/** `GET` or `POST /oidc/userinfo` (OpenID Connect allows both): `sub`, `name`, `family_name`, `given_name`, `picture`, `email`. */
export function handleUserinfo(core: Core, ex: Exchange): void {
  const ctx = graphContext(ex);
  if (refusedMethod(ex, ctx, ['GET', 'POST'])) return;
  const auth = authorize(core, ex, ctx);
  if (!auth) return;
  const { user, grant } = auth;
  const body: Record<string, unknown> = {
    sub: pairwiseSub(grant.clientID, user.oid),
    name: user.displayName,
  };
  if (user.surname !== undefined) body['family_name'] = user.surname;
  if (user.givenName !== undefined) body['given_name'] = user.givenName;
  body['picture'] = `${core.url}/v1.0/me/photo/$value`;
  if (user.email !== undefined) body['email'] = user.email;
  sendJson(ex.res, 200, body, ctx.headers);
}

/** Any other Graph path: 400 `BadRequest` like Graph's "Resource not found for the segment". */
export function handleGraphUnknown(ex: Exchange, segment: string): void {
  const ctx = graphContext(ex);
  graphError(ex, ctx, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}
