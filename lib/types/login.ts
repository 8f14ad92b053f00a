/**
 * Per-login options: what one sign-in asks Microsoft for (prompt, hints, freshness, claims).
 */

/** `prompt` values Microsoft accepts. */
export type MicrosoftPrompt = 'login' | 'none' | 'consent' | 'select_account';

/** Per-request options of `passport.authenticate('microsoft', { … })`. */
export interface MicrosoftAuthenticateOptions {
  /**
   * Sign in to this tenant (GUID or domain such as `contoso.onmicrosoft.com`) for this login; only
   * with a multi-tenant authority (`common`, `organizations`). The authorize and token endpoints
   * and the expected issuer follow it; the callback uses the tenant kept with the pending login.
   * Default: the configured authority.
   */
  tenant?: string;
  /**
   * `login`, `none`, `consent` or `select_account` (not together with a login hint). With `none`
   * (silent sign-in), Microsoft's `login_required`, `interaction_required`, `consent_required` and
   * `account_selection_required` answers are a 401 failure whose `reason` is the code. With `login`
   * the callback requires an `auth_time` from this login.
   */
  prompt?: MicrosoftPrompt;
  /** Pre-fills the username. */
  loginHint?: string;
  /** Alias of `loginHint`. */
  login_hint?: string;
  /** Skips home-realm discovery: `consumers`, `organizations` or a tenant. */
  domainHint?: string;
  /** Alias of `domainHint`. */
  domain_hint?: string;
  /** `query` (default) or `form_post`. */
  responseMode?: 'query' | 'form_post';
  /** Alias of `responseMode`. */
  response_mode?: 'query' | 'form_post';
  /**
   * Maximum authentication age in seconds, sent as `max_age`. The callback then requires the ID
   * token's `auth_time` (an optional claim to add in the app registration) within it.
   */
  maxAge?: number;
  /**
   * A claims request (a JSON object as a string), sent as `claims`: the claims challenge of a
   * {@link MicrosoftTokenError} (`err.claims`) or an authentication context such as
   * `{"id_token":{"acrs":{"essential":true,"value":"c1"}}}`, whose `acrs` the callback then requires.
   */
  claims?: string;
  /** Authentication context class references, sent as `acr_values` (space-separated). */
  acrValues?: string | readonly string[];
  /** Language of Microsoft's sign-in pages, e.g. `'fr-FR'`; sent as `mkt` and as `ui_locales`. */
  locale?: string;
  /** Display hint, sent as `display`. */
  display?: string;
  /** Scopes for this request, replacing the configured ones. */
  scope?: string | readonly string[];
  /** Application state kept across the round trip and handed back in `info.state`. */
  state?: unknown;
  /** Callback URL for this request. */
  callbackURL?: string;
}
