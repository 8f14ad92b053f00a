/**
 * What a Passport state store keeps of a pending login, and the pending login read back from it.
 */
import type { PendingLogin } from '../core/pending-login.js';

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
