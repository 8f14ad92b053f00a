/**
 * The device code flow: `POST /{tenant}/oauth2/v2.0/devicecode` issues a device code and a user
 * code, the user enters the code on the verification page (`device-login.ts`), and the device
 * polls the token endpoint with `grant_type=urn:ietf:params:oauth:grant-type:device_code`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Core, DeviceGrant, Exchange } from './context.js';
import { AadstsError, aadsts } from './aadsts.js';
import type { Caller } from './access-tokens.js';
import { apiOfUserScopes } from './api-registry.js';
import { aadErrorBody, newTrace } from './error-bodies.js';
import { header, sendJson } from './http-helpers.js';
import { grantedScopes } from './scopes.js';
import { resolveTenant } from './tenants.js';
import type { TenantPath } from './tenants.js';
import { findUser, issueTokens } from './user-grants.js';

/** The OAuth grant type of the device code flow (RFC 8628). */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** How long the user has to enter the code (Microsoft: 15 minutes). */
export const DEVICE_CODE_LIFETIME_SECONDS = 900;

/**
 * Seconds between polls the emulator asks for. Microsoft answers 5; the emulator answers 1 so that
 * tests do not wait.
 */
export const DEVICE_CODE_INTERVAL_SECONDS = 1;

/** The verification page's path on the emulator (Microsoft: https://microsoft.com/devicelogin). */
export const DEVICE_LOGIN_PATH = '/devicelogin';

// No 0/O or 1/I: the user reads the code off one screen and types it on another.
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(core: Core): string {
  // 32^9 codes: a clash is already unlikely once; a hundred in a row means something is wrong.
  for (let attempt = 0; attempt < 100; attempt++) {
    let code = '';
    for (let i = 0; i < 9; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
    if (findDeviceGrant(core, code) === undefined) return code;
  }
  throw new Error('emulator: could not draw an unused device user code');
}

/** The pending device grant of a user code (any case, spaces and dashes ignored). */
export function findDeviceGrant(
  core: Core,
  userCode: string,
): { deviceCode: string; grant: DeviceGrant } | undefined {
  const wanted = userCode.replace(/[\s-]/g, '').toUpperCase();
  for (const [deviceCode, grant] of core.deviceCodes)
    if (grant.userCode === wanted) return { deviceCode, grant };
  return undefined;
}

function issueDeviceCode(core: Core, ex: Exchange, tenantSegment: string): Record<string, unknown> {
  if (ex.req.method !== 'POST') throw aadsts(900561, { values: { method: ex.req.method ?? '' } });
  const tenant = resolveTenant(tenantSegment, core);
  if (!tenant) throw aadsts(90002, { values: { tenant: tenantSegment } });
  const form = new URLSearchParams(ex.body);
  const clientId = form.get('client_id');
  if (!clientId) throw aadsts(900144, { values: { parameter: 'client_id' } });
  const client = core.clients.find((c) => c.clientID === clientId);
  if (!client) throw aadsts(700016, { values: { app: clientId } });
  const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) throw aadsts(900144, { values: { parameter: 'scope' } });
  // Scope errors (two resources, a scope the API does not expose) come now, as at Microsoft.
  apiOfUserScopes(core.clients, client, grantedScopes(scopes));
  const deviceCode = `DAQABAAEAAA${randomBytes(48).toString('base64url')}`;
  const userCode = newUserCode(core);
  core.deviceCodes.set(deviceCode, {
    clientID: client.clientID,
    userCode,
    tenant,
    scopes,
    expiresAt: core.now() + DEVICE_CODE_LIFETIME_SECONDS * 1000,
    status: 'pending',
    userKey: undefined,
  });
  const verificationUri = `${core.url}${DEVICE_LOGIN_PATH}`;
  return {
    user_code: userCode,
    device_code: deviceCode,
    verification_uri: verificationUri,
    expires_in: DEVICE_CODE_LIFETIME_SECONDS,
    interval: DEVICE_CODE_INTERVAL_SECONDS,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
  };
}

/** Handles `/{tenant}/oauth2/v2.0/devicecode`. */
export function handleDeviceCode(core: Core, ex: Exchange, tenantSegment: string): void {
  const noCache = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };
  const trace = newTrace(header(ex.req, 'client-request-id'));
  try {
    const body = issueDeviceCode(core, ex, tenantSegment);
    sendJson(ex.res, 200, body, { ...noCache, 'x-ms-request-id': trace.traceId });
  } catch (err) {
    if (!(err instanceof AadstsError)) throw err;
    sendJson(ex.res, err.status, aadErrorBody(core.url, err.error, err.code, err.message, trace), {
      ...noCache,
      'x-ms-request-id': trace.traceId,
    });
  }
}

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code`: `authorization_pending` until the
 * user has signed in on the verification page, then the tokens (once); `expired_token` after
 * {@link DEVICE_CODE_LIFETIME_SECONDS}, `authorization_declined` when the user cancelled.
 */
export function deviceCodeGrant(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  tenant: TenantPath,
): Record<string, unknown> {
  const deviceCode = form.get('device_code');
  if (!deviceCode) throw aadsts(900144, { values: { parameter: 'device_code' } });
  const grant = core.deviceCodes.get(deviceCode);
  if (!grant || grant.clientID !== caller.client.clientID) throw aadsts(70018);
  if (grant.tenant.identity !== tenant.identity)
    throw aadsts(70018, { detail: 'The device code was issued on another tenant path.' });
  if (grant.status === 'redeemed')
    throw aadsts(70000, { detail: 'The device code was already redeemed.' });
  if (grant.expiresAt <= core.now()) throw aadsts(70020);
  if (grant.status === 'declined') throw aadsts(65004, { error: 'authorization_declined' });
  if (grant.status === 'pending' || grant.userKey === undefined) throw aadsts(70016);
  grant.status = 'redeemed';
  const user = findUser(core, grant.userKey);
  return issueTokens(
    core,
    form,
    caller,
    user,
    grantedScopes(grant.scopes),
    grant.tenant,
    undefined,
  );
}
