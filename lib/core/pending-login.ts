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

/** True for a {@link PendingLogin} made by this library (as read back from a store). */
export function isPendingLogin(value: unknown): value is PendingLogin {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { '@microsoft'?: unknown })['@microsoft'] === 1 &&
    typeof (value as { openid?: unknown }).openid === 'boolean'
  );
}

/**
 * What a Passport state store keeps for a login: the pending login without the redirect URI (the
 * callback resolves it from the request again) and without the verifier (the store keeps that
 * itself), with the application state under `state`, as the store interface has it.
 */
export interface StoredLogin {
  '@microsoft': 1;
  openid: boolean;
  nonce?: string;
  state?: unknown;
  maxAge?: number;
  freshLogin?: true;
  acrs?: string[];
  createdAt?: number;
  tenant?: string;
}

/** The {@link StoredLogin} of a pending login. */
export function toStoredLogin(pending: PendingLogin): StoredLogin {
  const stored: StoredLogin = { '@microsoft': 1, openid: pending.openid };
  if (pending.nonce !== undefined) stored.nonce = pending.nonce;
  if (pending.appState !== undefined) stored.state = pending.appState;
  if (pending.maxAge !== undefined) stored.maxAge = pending.maxAge;
  if (pending.freshLogin === true) stored.freshLogin = true;
  if (pending.acrs !== undefined) stored.acrs = pending.acrs;
  if (pending.createdAt !== undefined) stored.createdAt = pending.createdAt;
  if (pending.tenant !== undefined) stored.tenant = pending.tenant;
  return stored;
}

/** The pending login a store handed back, or `undefined` when it is not one this library saved. */
export function fromStoredLogin(
  stored: unknown,
  redirectURI: string,
  codeVerifier: string | undefined,
): PendingLogin | undefined {
  if (stored === null || typeof stored !== 'object') return undefined;
  const s = stored as Partial<StoredLogin>;
  if (s['@microsoft'] !== 1 || typeof s.openid !== 'boolean') return undefined;
  const pending: PendingLogin = { '@microsoft': 1, redirectURI, openid: s.openid };
  if (typeof s.nonce === 'string') pending.nonce = s.nonce;
  if (codeVerifier !== undefined) pending.codeVerifier = codeVerifier;
  if (s.state !== undefined) pending.appState = s.state;
  if (typeof s.maxAge === 'number') pending.maxAge = s.maxAge;
  if (s.freshLogin === true) pending.freshLogin = true;
  if (Array.isArray(s.acrs) && s.acrs.every((a) => typeof a === 'string')) pending.acrs = s.acrs;
  if (typeof s.createdAt === 'number') pending.createdAt = s.createdAt;
  if (typeof s.tenant === 'string') pending.tenant = s.tenant;
  return pending;
}
