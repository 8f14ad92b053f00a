/**
 * The authorize step: the per-request parameters Microsoft's authorize endpoint takes, checked,
 * and the authorize URL of a pending login.
 */
import { codeChallengeS256 } from './pkce.js';
import type { PendingLogin } from './pending-login.js';
import type { MicrosoftAuthenticateOptions } from '../types.js';

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);
const RESPONSE_MODES = new Set(['query', 'form_post']);

/**
 * Authorize-request parameters of one request: `prompt`, `loginHint`, `domainHint`,
 * `responseMode`, `maxAge`, `locale` (as `mkt` and `ui_locales`), `display`, `claims` and
 * `acrValues` (as `acr_values`). Nothing else reaches Microsoft. `who` names the call the options
 * were given to in error messages.
 *
 * @throws TypeError for a value Microsoft would reject.
 */
export function authorizeParams(
  options: MicrosoftAuthenticateOptions,
  who: string,
): Record<string, string> {
  const params: Record<string, string> = {};
  const prompt = options.prompt;
  if (prompt !== undefined) {
    if (!PROMPTS.has(prompt)) {
      throw new TypeError(
        `${who} option prompt must be login, none, consent or select_account; got ${JSON.stringify(prompt)}`,
      );
    }
    params['prompt'] = prompt;
  }
  const loginHint = options.loginHint ?? options.login_hint;
  if (loginHint !== undefined && loginHint !== '') {
    if (prompt === 'select_account') {
      throw new TypeError(
        `${who}: prompt select_account cannot be combined with a login hint (Microsoft rejects it)`,
      );
    }
    params['login_hint'] = String(loginHint);
  }
  const domainHint = options.domainHint ?? options.domain_hint;
  if (domainHint !== undefined && domainHint !== '') params['domain_hint'] = String(domainHint);
  const responseMode = options.responseMode ?? options.response_mode;
  if (responseMode !== undefined) {
    if (!RESPONSE_MODES.has(responseMode)) {
      throw new TypeError(
        `${who} option responseMode must be query or form_post; got ${JSON.stringify(responseMode)}`,
      );
    }
    params['response_mode'] = responseMode;
  }
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge) || options.maxAge < 0) {
      throw new TypeError(
        `${who} option maxAge must be a whole number of seconds; got ${String(options.maxAge)}`,
      );
    }
    params['max_age'] = String(options.maxAge);
  }
  if (options.locale !== undefined && options.locale !== '') {
    // Microsoft's sign-in page takes its language from `mkt`; OpenID Connect's `ui_locales` goes
    // too, for the services that read it.
    params['mkt'] = String(options.locale);
    params['ui_locales'] = String(options.locale);
  }
  if (options.display !== undefined && options.display !== '')
    params['display'] = String(options.display);
  if (options.claims !== undefined) params['claims'] = claimsParam(options.claims, who);
  const acrValues = options.acrValues;
  if (acrValues !== undefined) {
    const list = typeof acrValues === 'string' ? acrValues.split(/\s+/) : [...acrValues];
    const values = list.filter((v) => v !== '');
    if (values.length === 0 || values.some((v) => typeof v !== 'string' || /\s/.test(v)))
      throw new TypeError(
        `${who} option acrValues must be a non-empty string or array of strings without spaces`,
      );
    params['acr_values'] = values.join(' ');
  }
  return params;
}

/** Longest `claims` request sent (a claims challenge is a few hundred characters). */
const MAX_CLAIMS_LENGTH = 4096;

/** Checks a `claims` request: a JSON object as a string. */
function claimsParam(claims: unknown, who: string): string {
  let parsed: unknown;
  try {
    parsed = typeof claims === 'string' ? JSON.parse(claims) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    typeof claims !== 'string' ||
    claims.length > MAX_CLAIMS_LENGTH ||
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed)
  ) {
    throw new TypeError(
      `${who} option claims must be a JSON object as a string of at most ${MAX_CLAIMS_LENGTH} characters (e.g. the claims challenge of a MicrosoftTokenError)`,
    );
  }
  return claims;
}

/** What the authorize URL is built from besides the pending login. */
export interface AuthorizeURLInput {
  authorizationURL: string;
  clientID: string;
  scope: readonly string[];
  /** The `state` handle; absent when state is off. */
  state: string | undefined;
  /** Extra parameters (from {@link authorizeParams} or an adapter's hook); they win over the rest. */
  params: Record<string, string>;
}

/** The authorize URL for a pending login. */
export function authorizationURLFor(pending: PendingLogin, input: AuthorizeURLInput): string {
  const url = new URL(input.authorizationURL);
  const q = url.searchParams;
  q.set('client_id', input.clientID);
  q.set('response_type', 'code');
  q.set('redirect_uri', pending.redirectURI);
  q.set('scope', input.scope.join(' '));
  if (input.state !== undefined) q.set('state', input.state);
  if (pending.codeVerifier !== undefined) {
    q.set('code_challenge', codeChallengeS256(pending.codeVerifier));
    q.set('code_challenge_method', 'S256');
  }
  if (pending.nonce !== undefined) q.set('nonce', pending.nonce);
  for (const [key, value] of Object.entries(input.params)) q.set(key, value);
  return url.href;
}
