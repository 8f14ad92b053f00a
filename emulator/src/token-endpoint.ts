/**
 * `POST /{tenant}/oauth2/v2.0/token`: client authentication, then one grant per file
 * (`user-grants.ts`: `authorization_code` and `refresh_token`; `client-credentials-grant.ts`;
 * `on-behalf-of-grant.ts`; `device-code.ts`),
 * registered answers, and errors from the AADSTS catalogue in Microsoft's JSON shape.
 */
import type { Core, Exchange } from './context.js';
import { AadstsError, aadsts } from './aadsts.js';
import { authenticate } from './client-auth.js';
import { clientCredentialsGrant } from './client-credentials-grant.js';
import { DEVICE_CODE_GRANT, deviceCodeGrant } from './device-code.js';
import { JWT_BEARER_GRANT, onBehalfOfGrant } from './on-behalf-of-grant.js';
import { aadErrorBody, newTrace } from './error-bodies.js';
import { header, sendJson } from './http-helpers.js';
import { resolveTenant } from './tenants.js';
import { authorizationCodeGrant, refreshTokenGrant } from './user-grants.js';

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
  if (ex.req.method !== 'POST') throw aadsts(900561, { values: { method: ex.req.method ?? '' } });
  const tenant = resolveTenant(tenantSegment, core);
  if (!tenant) throw aadsts(90002, { values: { tenant: tenantSegment } });
  const form = new URLSearchParams(ex.body);
  const caller = authenticate(core, ex, form);
  const grantType = form.get('grant_type');
  if (!grantType) throw aadsts(900144, { values: { parameter: 'grant_type' } });
  const registered = registeredAnswer(core, form);
  if (registered !== undefined) return registered;
  if (grantType === 'authorization_code')
    return { status: 200, body: authorizationCodeGrant(core, form, caller, tenant) };
  if (grantType === 'refresh_token')
    return { status: 200, body: refreshTokenGrant(core, form, caller) };
  if (grantType === 'client_credentials')
    return { status: 200, body: clientCredentialsGrant(core, form, caller, tenant) };
  if (grantType === JWT_BEARER_GRANT)
    return { status: 200, body: onBehalfOfGrant(core, form, caller, tenant) };
  // MSAL sends the short name `device_code`, which Microsoft accepts too.
  if (grantType === DEVICE_CODE_GRANT || grantType === 'device_code')
    return { status: 200, body: deviceCodeGrant(core, form, caller, tenant) };
  throw aadsts(70003, { values: { grantType } });
}

/** Handles the token endpoint for tenant path segment `tenantSegment`. */
export function handleToken(core: Core, ex: Exchange, tenantSegment: string): void {
  const noCache = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };
  const trace = newTrace(header(ex.req, 'client-request-id'));
  try {
    const { status, body } = grantTokens(core, ex, tenantSegment);
    sendJson(ex.res, status, body, { ...noCache, 'x-ms-request-id': trace.traceId });
  } catch (err) {
    if (!(err instanceof AadstsError)) throw err;
    const headers: Record<string, string> = { ...noCache, 'x-ms-request-id': trace.traceId };
    if (err.status === 401) headers['WWW-Authenticate'] = 'Basic realm="login.microsoftonline.com"';
    sendJson(
      ex.res,
      err.status,
      aadErrorBody(core.url, err.error, err.code, err.message, trace),
      headers,
    );
  }
}
