/**
 * The pending login: what a login keeps between the redirect to Microsoft and the callback
 * (redirect URI, PKCE verifier, nonce, state, application state, freshness asked for). It is a
 * plain JSON object, so a session, a cookie or a database can keep it.
 */

/** What one login keeps between the authorize redirect and the callback. */
export interface PendingLogin {
  /** Marks objects this library created (`1`). */
  '@microsoft': 1;
  /** The redirect URI of the authorize request; the token request repeats it. */
  redirectURI: string;
  /** Whether `openid` was requested, so an ID token must come back. */
  openid: boolean;
  /** The nonce sent to Microsoft; the ID token must carry it. */
  nonce?: string;
  /** The PKCE code verifier; its S256 challenge went to Microsoft. */
  codeVerifier?: string;
  /** The `state` sent to Microsoft; the callback must carry the same. */
  state?: string;
  /** Application state, handed back after the callback. */
  appState?: unknown;
  /** `max_age` sent to Microsoft, in seconds: `auth_time` may be at most this old. */
  maxAge?: number;
  /** `prompt=login` sent: fresh authentication required (`auth_time` not before `createdAt`). */
  freshLogin?: true;
  /** Authentication contexts asked for as essential in `claims`; the ID token's `acrs` must name one. */
  acrs?: string[];
  /** When the login started, seconds since the epoch. */
  createdAt?: number;
  /** The tenant this login named (GUID or domain) on a multi-tenant authority. */
  tenant?: string;
}
