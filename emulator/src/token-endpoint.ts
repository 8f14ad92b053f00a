/**
 * `POST /{tenant}/oauth2/v2.0/token`: `authorization_code` and `refresh_token` grants, client
 * authentication (`client_secret_post`, `client_secret_basic`, `private_key_jwt` with a
 * certificate or a federated credential), PKCE, and ID-token issuance.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CodeGrant, Core, Exchange, TokenGrant } from './context.js';
import { aadErrorBody, newTrace } from './error-bodies.js';
import { AssertionRefusal, JWT_BEARER, checkClientAssertion } from './client-assertions.js';
import { header, sendJson } from './http-helpers.js';
import { grantedScopes, hasScope } from './scopes.js';
import { issuerOf } from './metadata.js';
import { resolveTenant } from './tenants.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorClient, EmulatorUser } from './emulator-types.js';
import { CONSUMER_TENANT_ID } from './users.js';

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

class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** Client authentication: HTTP Basic (RFC 6749 §2.3.1, form-URL-decoded) or body parameters. */
function authenticate(core: Core, ex: Exchange, form: URLSearchParams): EmulatorClient {
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const authorization = header(ex.req, 'authorization');
  if (authorization && /^basic\s+/i.test(authorization)) {
    const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new TokenError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. The Authorization header is malformed.',
      );
    let basicId: string;
    let basicSecret: string;
    try {
      basicId = formDecode(decoded.slice(0, colon));
      basicSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new TokenError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. The Authorization header is malformed.',
      );
    }
    if (clientId !== undefined && clientId !== basicId)
      throw new TokenError(
        400,
        'invalid_request',
        9002313,
        'Invalid request. The client_id in the body does not match the Authorization header.',
      );
    clientId = basicId;
    secret = basicSecret;
  }
  if (!clientId)
    throw new TokenError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const client = core.clients.find((c) => c.clientID === clientId);
  if (!client)
    throw new TokenError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  const assertion = form.get('client_assertion');
  if (assertion !== null && secret === undefined) {
    if (form.get('client_assertion_type') !== JWT_BEARER)
      throw new TokenError(
        400,
        'invalid_request',
        70002,
        `The client_assertion_type must be '${JWT_BEARER}'.`,
      );
    try {
      checkClientAssertion(client, assertion, `${core.url}${ex.url.pathname}`, core.now());
    } catch (err) {
      if (err instanceof AssertionRefusal)
        throw new TokenError(401, err.error, err.code, err.message);
      throw err;
    }
    return client;
  }
  if (secret === undefined || secret === '')
    throw new TokenError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  if (client.clientSecret === undefined || !secretsEqual(secret, client.clientSecret))
    throw new TokenError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientID}'.`,
    );
  return client;
}

function checkPkce(grant: CodeGrant, verifier: string | undefined): void {
  if (grant.codeChallenge === undefined) return;
  const mismatch = new TokenError(
    400,
    'invalid_grant',
    501481,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  );
  if (!verifier) throw mismatch;
  const computed =
    grant.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  if (!secretsEqual(computed, grant.codeChallenge)) throw mismatch;
}

function findUser(core: Core, key: string): EmulatorUser {
  const user = core.users.find((u) => u.key === key);
  if (!user)
    throw new TokenError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. The user no longer exists.',
    );
  return user;
}

function issueTokens(
  core: Core,
  form: URLSearchParams,
  client: EmulatorClient,
  user: EmulatorUser,
  scopes: string[],
  tenant: TenantPath,
  nonce: string | undefined,
): Record<string, unknown> {
  const expiresIn = core.accessTokenLifetimeSeconds;
  const accessToken = `EwB${randomBytes(96).toString('base64url')}`;
  const grant: TokenGrant = {
    clientID: client.clientID,
    userKey: user.key,
    scopes,
    tenant,
    expiresAt: core.now() + expiresIn * 1000,
  };
  core.accessTokens.set(accessToken, grant);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopes.join(' '),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
  };
  if (hasScope(scopes, 'offline_access')) {
    const refreshToken = `${user.kind === 'personal' ? 'M.C5' : '1.AX'}_${randomBytes(96).toString('base64url')}`;
    core.refreshTokens.set(refreshToken, {
      ...grant,
      expiresAt: core.now() + 90 * 24 * 3600 * 1000,
    });
    body['refresh_token'] = refreshToken;
  }
  if (hasScope(scopes, 'openid')) {
    const customer = tenant.kind === 'external-id' || tenant.kind === 'b2c';
    const key = core.keys.active(
      user.tid === CONSUMER_TENANT_ID && !customer ? 'consumer' : 'template',
    );
    body['id_token'] = core.keys.sign(
      idTokenClaims(core, user, client.clientID, scopes, nonce, tenant),
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

function redeemCode(
  core: Core,
  form: URLSearchParams,
  client: EmulatorClient,
  tenant: TenantPath,
): CodeGrant {
  const code = form.get('code');
  if (!code)
    throw new TokenError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'code'.",
    );
  const grant = core.codes.get(code);
  if (!grant || grant.clientID !== client.clientID)
    throw new TokenError(
      400,
      'invalid_grant',
      9002313,
      'Invalid request. Request is malformed or invalid. The authorization code is not valid.',
    );
  if (grant.redeemed)
    throw new TokenError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    );
  if (grant.expiresAt <= core.now())
    throw new TokenError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  if (grant.tenant.identity !== tenant.identity)
    throw new TokenError(
      400,
      'invalid_grant',
      700005,
      'Provided Authorization Code is intended to use against other tenant, thus rejected.',
    );
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri)
    throw new TokenError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'redirect_uri'.",
    );
  if (redirectUri !== grant.redirectUri)
    throw new TokenError(
      400,
      'invalid_grant',
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URI used in the authorization request.`,
    );
  checkPkce(grant, form.get('code_verifier') ?? undefined);
  grant.redeemed = true;
  return grant;
}

function refreshGrant(core: Core, form: URLSearchParams, client: EmulatorClient): TokenGrant {
  const token = form.get('refresh_token');
  if (!token)
    throw new TokenError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'refresh_token'.",
    );
  const grant = core.refreshTokens.get(token);
  if (!grant)
    throw new TokenError(
      400,
      'invalid_grant',
      9002313,
      'Invalid request. Request is malformed or invalid. The refresh token is not valid.',
    );
  if (grant.clientID !== client.clientID)
    throw new TokenError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. The refresh token was issued to a different client.',
    );
  if (grant.expiresAt <= core.now())
    throw new TokenError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  return grant;
}

/** A token response: the emulator's own (status 200) or one registered with `setTokenAnswer`. */
interface TokenResponse {
  status: number;
  body: unknown;
}

/** The answer registered for the grant of this request, if any (a code's answer is used up). */
function registeredAnswer(core: Core, form: URLSearchParams): TokenResponse | undefined {
  const refresh = form.get('grant_type') === 'refresh_token';
  const grant = refresh ? form.get('refresh_token') : form.get('code');
  if (grant === null) return undefined;
  const answer = core.tokenAnswers.get(grant);
  if (answer === undefined) return undefined;
  if (!refresh) core.tokenAnswers.delete(grant);
  return { status: answer.status ?? 200, body: answer.body };
}

function grantTokens(core: Core, ex: Exchange, tenantSegment: string): TokenResponse {
  if (ex.req.method !== 'POST')
    throw new TokenError(
      400,
      'invalid_request',
      900561,
      'The endpoint only accepts POST, OPTIONS requests. Received a GET request.',
    );
  const tenant = resolveTenant(tenantSegment, core);
  if (!tenant)
    throw new TokenError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  const form = new URLSearchParams(ex.body);
  const client = authenticate(core, ex, form);
  const grantType = form.get('grant_type');
  if (!grantType)
    throw new TokenError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  const registered = registeredAnswer(core, form);
  if (registered !== undefined) return registered;
  if (grantType === 'authorization_code') {
    const grant = redeemCode(core, form, client, tenant);
    const user = findUser(core, grant.userKey);
    const body = issueTokens(
      core,
      form,
      client,
      user,
      grantedScopes(grant.scopes),
      grant.tenant,
      grant.nonce,
    );
    return { status: 200, body };
  }
  if (grantType === 'refresh_token') {
    const grant = refreshGrant(core, form, client);
    const user = findUser(core, grant.userKey);
    const body = issueTokens(core, form, client, user, grant.scopes, grant.tenant, undefined);
    return { status: 200, body };
  }
  throw new TokenError(
    400,
    'unsupported_grant_type',
    70003,
    `The app requested an unsupported grant type '${grantType}'.`,
  );
}

/** Handles the token endpoint for tenant path segment `tenantSegment`. */
export function handleToken(core: Core, ex: Exchange, tenantSegment: string): void {
  const noCache = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };
  const trace = newTrace(header(ex.req, 'client-request-id'));
  try {
    const { status, body } = grantTokens(core, ex, tenantSegment);
    sendJson(ex.res, status, body, { ...noCache, 'x-ms-request-id': trace.traceId });
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    const headers: Record<string, string> = { ...noCache, 'x-ms-request-id': trace.traceId };
    if (err.status === 401) headers['WWW-Authenticate'] = 'Basic realm="login.microsoftonline.com"';
    sendJson(
      ex.res,
      err.status,
      aadErrorBody(core.url, err.error, err.code, err.text, trace),
      headers,
    );
  }
}
