/**
 * The authorize step: the per-request parameters Microsoft's authorize endpoint takes, checked,
 * and the authorize URL of a pending login.
 */
import { codeChallengeS256 } from './pkce.js';
import type { PendingLogin } from './pending-login.js';
import type { MicrosoftAuthenticateOptions } from '../types.js';

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);
const RESPONSE_MODES = new Set(['query', 'form_post']);
const WHO = 'passport.authenticate("microsoft")';

/**
 * Authorize-request parameters of one request: `prompt`, `loginHint`, `domainHint`,
 * `responseMode`, `maxAge`, `locale` (as `mkt` and `ui_locales`) and `display`. Nothing else
 * reaches Microsoft.
 *
 * @throws TypeError for a value Microsoft would reject.
 */
export function authorizeParams(options: MicrosoftAuthenticateOptions): Record<string, string> {
  const params: Record<string, string> = {};
  const prompt = options.prompt;
  if (prompt !== undefined) {
    if (!PROMPTS.has(prompt)) {
      throw new TypeError(
        `${WHO} option prompt must be login, none, consent or select_account; got ${JSON.stringify(prompt)}`,
      );
    }
    params['prompt'] = prompt;
  }
  const loginHint = options.loginHint ?? options.login_hint;
  if (loginHint !== undefined && loginHint !== '') {
    if (prompt === 'select_account') {
      throw new TypeError(
        `${WHO}: prompt select_account cannot be combined with a login hint (Microsoft rejects it)`,
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
        `${WHO} option responseMode must be query or form_post; got ${JSON.stringify(responseMode)}`,
      );
    }
    params['response_mode'] = responseMode;
  }
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge) || options.maxAge < 0) {
      throw new TypeError(
        `${WHO} option maxAge must be a whole number of seconds; got ${String(options.maxAge)}`,
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
  return params;
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
