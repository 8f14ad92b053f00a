/**
 * The state store interface (passport-oauth2's PKCE-aware store) and what it is handed.
 */
import type { MicrosoftRequest } from './passport.js';

/** A state store (passport-oauth2's PKCE-aware store interface). */
export interface StateStore {
  /** Saves a pending login and calls back with its handle, which is sent to Microsoft as `state`. */
  store(
    req: MicrosoftRequest,
    verifier: string | undefined,
    state: unknown,
    meta: StateStoreMeta,
    callback: (err: Error | null, handle?: string) => void,
  ): void;
  /** Looks up and consumes the pending login for `handle`; calls back with `ok` (the PKCE verifier, or `true`) and the saved `state`, or `ok` = `false` and `{ message }`. */
  verify(
    req: MicrosoftRequest,
    handle: string,
    meta: StateStoreMeta,
    callback: (err: Error | null, ok?: string | boolean, state?: unknown) => void,
  ): void;
  /**
   * Optional: reads and deletes the pending login for `handle` in one atomic step, so of several
   * concurrent callbacks with the same `state` exactly one gets it (Redis `GETDEL`, SQL
   * `DELETE … RETURNING`). Resolves with what `verify` would call back. The strategy uses it
   * instead of `verify` when present.
   */
  take?(req: MicrosoftRequest, handle: string, meta: StateStoreMeta): Promise<StateTakeResult>;
}

/** What {@link StateStore.take} resolves with: the arguments `verify` would call back with. */
export interface StateTakeResult {
  /** The PKCE verifier, `true` (found, no verifier) or `false` (no such pending login). */
  ok: string | boolean;
  /** The saved state, or `{ message }` when `ok` is `false`. */
  state?: unknown;
}

/** Request metadata handed to a {@link StateStore}. */
export interface StateStoreMeta {
  /** The authorize endpoint. */
  authorizationURL: string;
  /** The token endpoint. */
  tokenURL: string;
  /** The application (client) ID. */
  clientID: string;
  /** The redirect URI of this login. */
  callbackURL: string | undefined;
}

/**
 * The `reason` of the 403 fail info when a callback finds no pending login (a state failure):
 * - `state_missing`: the callback carries no `state`;
 * - `cookie_missing`: the browser sent back no cookie (the session cookie, or `CookieStateStore`'s
 *   cookie): `SameSite` with `form_post`, a `Secure` cookie over http, another host name;
 * - `expired`: the pending login is older than its lifetime (10 minutes by default);
 * - `no_pending_login`: none matches the `state`: already used (a replayed callback), started in
 *   another browser or session, or forged.
 */
export type StateFailureReason =
  'state_missing' | 'cookie_missing' | 'expired' | 'no_pending_login';
