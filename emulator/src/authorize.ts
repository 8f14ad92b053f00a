/**
 * `GET|POST /{tenant}/oauth2/v2.0/authorize`: request validation, the account picker, silent sign-in,
 * cancel, and the answer to the app (`query`, `fragment` or `form_post`).
 */
import { randomBytes } from 'node:crypto';
import type { AuthorizeRequest, Core, Exchange } from './context.js';
import { aadRedirectError, newTrace } from './error-bodies.js';
import { header, redirectUriMatches, sendHtml, sendRedirect } from './http-helpers.js';
import { errorPage, formPostPage, redirectUriHelp, signInPage } from './pages.js';
import { homeAccountOf, matchesDomainHint, resolveTenant, signInRefusal } from './tenants.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorUser } from './emulator-types.js';
import { DEFAULT_APP_NAME } from './users.js';

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);

function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

function showErrorPage(
  ex: Exchange,
  status: number,
  code: number,
  message: string,
  detailsHtml?: string,
): void {
  const trace = newTrace(header(ex.req, 'client-request-id'));
  sendHtml(ex.res, status, errorPage(code, message, trace, detailsHtml));
}

/** Sends `fields` back to the app the way `request.responseMode` says. */
function answerApp(
  ex: Exchange,
  request: Pick<AuthorizeRequest, 'redirectUri' | 'responseMode' | 'state'>,
  fields: Record<string, string>,
): void {
  const all: Record<string, string> = { ...fields };
  if (request.state !== undefined) all['state'] = request.state;
  if (request.responseMode === 'form_post') {
    sendHtml(ex.res, 200, formPostPage(request.redirectUri, all));
    return;
  }
  const target = new URL(request.redirectUri);
  if (request.responseMode === 'fragment') {
    target.hash = new URLSearchParams(all).toString();
  } else {
    for (const [name, value] of Object.entries(all)) target.searchParams.append(name, value);
  }
  sendRedirect(ex.res, target.toString());
}

function answerError(
  core: Core,
  ex: Exchange,
  request: Pick<AuthorizeRequest, 'redirectUri' | 'responseMode' | 'state'>,
  error: string,
  code: number,
  text: string,
): void {
  answerApp(
    ex,
    request,
    aadRedirectError(core.url, error, code, text, newTrace(header(ex.req, 'client-request-id'))),
  );
}

function issueCode(core: Core, request: AuthorizeRequest, user: EmulatorUser): string {
  const code = `${user.kind === 'personal' ? 'M.C5' : '1.AX'}_${randomBytes(40).toString('base64url')}`;
  core.codes.set(code, {
    clientID: request.client.clientID,
    redirectUri: request.redirectUri,
    tenant: request.tenant,
    userKey: user.key,
    scopes: request.scopes,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    expiresAt: core.now() + core.codeLifetimeSeconds * 1000,
    redeemed: false,
  });
  return code;
}

/**
 * The account named by a key or a sign-in name. Two accounts can share a sign-in name (a guest and
 * its home account): the one `tenant` admits wins.
 */
function findUser(core: Core, account: string, tenant: TenantPath): EmulatorUser | undefined {
  const byKey = core.users.find((u) => u.key === account);
  if (byKey) return byKey;
  const lower = account.toLowerCase();
  const named = core.users.filter(
    (u) => u.preferredUsername !== '' && u.preferredUsername.toLowerCase() === lower,
  );
  return named.find((u) => !signInRefusal(u, tenant, '')) ?? named[0];
}

/**
 * The account that signs in when `user` is picked: a guest picked without its tenant named signs in
 * as its home account, as at Microsoft.
 */
function signingInAs(core: Core, request: AuthorizeRequest, user: EmulatorUser): EmulatorUser {
  if (
    user.kind !== 'guest' ||
    request.tenant.kind === 'tenant' ||
    request.tenant.kind === 'consumers'
  )
    return user;
  return homeAccountOf(user, core.users) ?? user;
}

/** Signs `user` in: a code back to the app, or a tenant-rule error redirect. */
function signIn(core: Core, ex: Exchange, request: AuthorizeRequest, picked: EmulatorUser): void {
  const user = signingInAs(core, request, picked);
  const refusal = signInRefusal(user, request.tenant, request.client.clientID);
  if (refusal) {
    answerError(core, ex, request, refusal.error, refusal.code, refusal.text);
    return;
  }
  answerApp(ex, request, { code: issueCode(core, request, user) });
}

/**
 * Validates the authorization request. Errors before the redirect URI is trusted render an error page;
 * later ones go back to the app. Returns `undefined` when a response was already sent.
 */
function validate(
  core: Core,
  ex: Exchange,
  tenantSegment: string,
  params: URLSearchParams,
): AuthorizeRequest | undefined {
  const tenant: TenantPath | undefined = resolveTenant(tenantSegment, core);
  if (!tenant) {
    showErrorPage(
      ex,
      400,
      90002,
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
    return undefined;
  }
  const clientId = param(params, 'client_id');
  if (!clientId) {
    showErrorPage(
      ex,
      400,
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
    return undefined;
  }
  const client = core.clients.find((c) => c.clientID === clientId);
  if (!client) {
    showErrorPage(
      ex,
      400,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
    return undefined;
  }
  const requestedRedirect = param(params, 'redirect_uri');
  const redirectUri = requestedRedirect ?? client.redirectUris[0];
  if (!redirectUri) {
    showErrorPage(ex, 400, 900971, 'No reply address provided.');
    return undefined;
  }
  if (!client.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    showErrorPage(
      ex,
      400,
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
      redirectUriHelp(client.redirectUris),
    );
    return undefined;
  }
  const rawMode = param(params, 'response_mode');
  const state = params.get('state') ?? undefined;
  const responseMode = rawMode === 'form_post' || rawMode === 'fragment' ? rawMode : 'query';
  const back = { redirectUri, responseMode, state } as const;
  if (
    rawMode !== undefined &&
    rawMode !== 'query' &&
    rawMode !== 'form_post' &&
    rawMode !== 'fragment'
  ) {
    answerError(
      core,
      ex,
      back,
      'invalid_request',
      9002313,
      `Invalid request. The response_mode '${rawMode}' is not supported.`,
    );
    return undefined;
  }
  const responseType = param(params, 'response_type');
  if (!responseType) {
    answerError(
      core,
      ex,
      back,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'response_type'.",
    );
    return undefined;
  }
  if (responseType !== 'code') {
    answerError(
      core,
      ex,
      back,
      'unsupported_response_type',
      700054,
      `response_type '${responseType}' is not enabled for the application.`,
    );
    return undefined;
  }
  const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0) {
    answerError(
      core,
      ex,
      back,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
    return undefined;
  }
  const codeChallenge = param(params, 'code_challenge');
  const rawMethod = param(params, 'code_challenge_method');
  let codeChallengeMethod: 'S256' | 'plain' | undefined;
  if (codeChallenge !== undefined) {
    if (rawMethod !== undefined && rawMethod !== 'S256' && rawMethod !== 'plain') {
      answerError(
        core,
        ex,
        back,
        'invalid_request',
        501491,
        `Invalid code_challenge_method '${rawMethod}'. Supported values are 'S256' and 'plain'.`,
      );
      return undefined;
    }
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeChallenge)) {
      answerError(
        core,
        ex,
        back,
        'invalid_request',
        501491,
        'Invalid size of Code_Challenge parameter.',
      );
      return undefined;
    }
    codeChallengeMethod = rawMethod === 'S256' ? 'S256' : 'plain';
  }
  const prompt = param(params, 'prompt');
  if (prompt !== undefined && !PROMPTS.has(prompt)) {
    answerError(
      core,
      ex,
      back,
      'invalid_request',
      90023,
      `Invalid value '${prompt}' for the prompt parameter. Supported values are login, none, consent and select_account.`,
    );
    return undefined;
  }
  return {
    tenant,
    client,
    redirectUri,
    responseMode,
    scopes,
    state,
    nonce: param(params, 'nonce'),
    codeChallenge,
    codeChallengeMethod,
    prompt,
    loginHint: param(params, 'login_hint'),
    domainHint: param(params, 'domain_hint'),
  };
}

function newTransaction(core: Core, request: AuthorizeRequest): string {
  const txn = randomBytes(24).toString('base64url');
  core.transactions.set(txn, { request, expiresAt: core.now() + 30 * 60 * 1000 });
  return txn;
}

function handleSelection(core: Core, ex: Exchange, form: URLSearchParams): void {
  const txn = form.get('txn') ?? '';
  const entry = core.transactions.get(txn);
  if (!entry || entry.expiresAt < core.now()) {
    core.transactions.delete(txn);
    showErrorPage(
      ex,
      400,
      9002313,
      'Invalid request. The sign-in session was not found or has expired; start the sign-in again.',
    );
    return;
  }
  core.transactions.delete(txn);
  const { request } = entry;
  if (form.get('cancel')) {
    // Microsoft's answer to Cancel on its sign-in page: no description, a sub-code.
    answerApp(ex, request, { error: 'access_denied', error_subcode: 'cancel' });
    return;
  }
  const account = form.get('account') ?? '';
  const user = findUser(core, account, request.tenant);
  if (!user) {
    showErrorPage(
      ex,
      400,
      50034,
      `The user account ${account} does not exist in the directory. To sign into this application, the account must be added to the directory.`,
    );
    return;
  }
  signIn(core, ex, request, user);
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/**
 * The sign-in page language: Microsoft's page reads `mkt` (language-COUNTRY); standard OpenID
 * Connect clients send `ui_locales` (space-separated tags, first preferred). English otherwise.
 */
function pageLanguage(params: URLSearchParams): string {
  for (const candidate of [params.get('mkt'), params.get('ui_locales')?.trim().split(/\s+/)[0]]) {
    if (candidate && LANGUAGE_TAG.test(candidate)) return candidate;
  }
  return 'en';
}

/** Handles the authorize endpoint for the tenant path segment `tenantSegment`. */
export async function handleAuthorize(
  core: Core,
  ex: Exchange,
  tenantSegment: string,
): Promise<void> {
  let params = ex.url.searchParams;
  if (ex.req.method === 'POST') {
    const form = new URLSearchParams(ex.body);
    if (form.has('txn')) {
      handleSelection(core, ex, form);
      return;
    }
    params = form;
  }
  const request = validate(core, ex, tenantSegment, params);
  if (!request) return;
  const allowed = core.users.filter(
    (u) => !signInRefusal(u, request.tenant, request.client.clientID),
  );
  const hinted = request.loginHint ? findUser(core, request.loginHint, request.tenant) : undefined;
  if (request.prompt === 'none') {
    if (hinted && allowed.includes(hinted)) signIn(core, ex, request, hinted);
    else
      answerError(
        core,
        ex,
        request,
        'login_required',
        50058,
        "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).",
      );
    return;
  }
  const listed = allowed.filter((u) => matchesDomainHint(u, request.domainHint, core));
  const txn = newTransaction(core, request);
  sendHtml(
    ex.res,
    200,
    signInPage({
      action: `/${encodeURIComponent(tenantSegment)}/oauth2/v2.0/authorize`,
      txn,
      users: listed,
      hintedKey: hinted && listed.includes(hinted) ? hinted.key : undefined,
      appName: request.client.name ?? DEFAULT_APP_NAME,
      lang: pageLanguage(params),
    }),
  );
}
