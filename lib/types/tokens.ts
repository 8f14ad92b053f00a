/**
 * Token responses, refreshed token sets, the logout URL options and the resolved endpoints.
 */
import type { MicrosoftIdTokenClaims } from './profile.js';

/** The token endpoint's response as passed to a 5- or 6-argument verify callback. */
export interface TokenResponseParams {
  /** `Bearer`. */
  token_type?: string;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** Seconds until the access token expires. */
  expires_in?: number;
  /** Microsoft's extended lifetime of the access token, in seconds. */
  ext_expires_in?: number;
  /** Access token for the resource (Microsoft Graph by default); opaque to the app. */
  access_token: string;
  /** Refresh token; present when the `offline_access` scope was requested. */
  refresh_token?: string;
  /** ID token (a JWT); present when the `openid` scope was requested. Already verified when the verify callback runs. */
  id_token?: string;
  [field: string]: unknown;
}

/** Options of {@link Strategy.logoutUrl} and {@link MicrosoftSignIn.logoutUrl}. */
export interface LogoutUrlOptions {
  /** Where Microsoft sends the browser after signing out; must be a registered redirect URI. */
  postLogoutRedirectUri?: string;
  /** The `login_hint` claim of the user, to skip Microsoft's account picker. */
  logoutHint?: string;
  /** Handed back on the post-logout redirect. */
  state?: string;
}

/** The result of {@link Strategy.refresh}. */
export interface TokenSet {
  /** The new access token. */
  accessToken: string;
  /** A new refresh token, when Microsoft returned one; keep it in place of the old one. */
  refreshToken?: string;
  /** The new ID token (a JWT), when one came back. */
  idToken?: string;
  /** Seconds until the access token expires. */
  expiresIn?: number;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** `Bearer`. */
  tokenType?: string;
  /** Verified ID-token claims when an ID token came back. */
  claims?: MicrosoftIdTokenClaims;
}

/** The endpoints a strategy resolved from its options (see {@link Strategy.endpoints}). */
export interface StrategyEndpoints {
  /** Login authority, `<origin>[/path]/<tenant>`. */
  readonly authority: string;
  /** Authorize endpoint. */
  readonly authorizationURL: string;
  /** Token endpoint. */
  readonly tokenURL: string;
  /** JWKS (signing keys) endpoint. */
  readonly jwksURL: string;
  /** End-session (logout) endpoint. */
  readonly logoutURL: string;
  /** Microsoft Graph base URL (`/me` is read from here). */
  readonly graphBaseURL: string;
  /** ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  readonly issuerBase: string;
}
