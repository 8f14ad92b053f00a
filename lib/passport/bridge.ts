/**
 * Passport's callback-style interfaces as promises: the state store (save and take a pending
 * login), the verify callback, `skipUserProfile`, and passport-oauth2's OAuth2 client grants.
 * Nothing here imports Passport; the strategy passes its pieces in.
 */
import { fromStoredLogin, toStoredLogin } from './stored-login.js';
import type { PendingLogin } from '../core/pending-login.js';
import {
  MicrosoftIdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftTokenError,
} from '../errors.js';
import { record } from '../clients/http.js';
import type { TokenEndpointClient } from '../clients/token.js';
import type * as types from '../types.js';
import type { StrategyOptionsBase } from '../config/options.js';

/** Saves a pending login in the store; resolves with the handle to send as `state`. */
export function savePendingLogin(
  store: types.StateStore,
  req: types.MicrosoftRequest,
  pending: PendingLogin,
  meta: types.StateStoreMeta,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    store.store(req, pending.codeVerifier, toStoredLogin(pending), meta, (err, handle) => {
      if (err) reject(err);
      else if (typeof handle !== 'string' || handle === '')
        reject(new TypeError('The state store returned no state handle'));
      else resolve(handle);
    });
  });
}

/** A store that found no pending login: its fail info, `message` and (when it says) `reason`. */
export interface StateFailure {
  failure: types.FailureInfo;
}

/** The fail info of a store's refusal; only its `message` and `reason` strings are passed on. */
function failureOf(state: unknown): types.FailureInfo {
  const info = record(state);
  const message = info?.['message'];
  const reason = info?.['reason'];
  return {
    message: typeof message === 'string' ? message : 'Unable to verify authorization request state',
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

/**
 * Takes the pending login of `handle` from the store (its atomic `take` when it has one, else
 * `verify`). Resolves with it, or with the store's failure. `unkept` is the login to use when
 * there is no store, or when the store kept nothing this library saved and no nonce is at stake
 * (without `openid`).
 */
export async function takePendingLogin(
  store: types.StateStore | undefined,
  req: types.MicrosoftRequest,
  handle: string,
  meta: types.StateStoreMeta,
  unkept: PendingLogin,
): Promise<PendingLogin | StateFailure> {
  if (!store) return unkept;
  // A store with an atomic take hands a pending login to exactly one of concurrent callbacks.
  const result: types.StateTakeResult = store.take
    ? await store.take(req, handle, meta)
    : await new Promise((resolve, reject) => {
        store.verify(req, handle, meta, (err, ok, state) =>
          err ? reject(err) : resolve({ ok: ok ?? false, state }),
        );
      });
  if (!result.ok) return { failure: failureOf(result.state) };
  const verifier = typeof result.ok === 'string' ? result.ok : undefined;
  const pending = fromStoredLogin(result.state, unkept.redirectURI, verifier);
  if (pending) return pending;
  // A nonce was sent but the store did not hand back what was saved with it: fail closed.
  if (unkept.openid) {
    throw new MicrosoftIdTokenError(
      'nonce',
      'the state store did not return the saved login state, so the nonce sent to Microsoft cannot be checked',
    );
  }
  return verifier === undefined ? unkept : { ...unkept, codeVerifier: verifier };
}

/** What the verify callback decided. */
export interface VerifyOutcome {
  user: Express.User | false | null | undefined;
  info: object | undefined;
}

/** Calls the app's verify callback with the arguments its convention takes. */
export function callVerify(
  verify: (...args: unknown[]) => void,
  convention: { req: types.MicrosoftRequest | undefined; withParams: boolean },
  tokens: types.TokenResponseParams,
  profile: types.MicrosoftProfile | undefined,
): Promise<VerifyOutcome> {
  return new Promise((resolve, reject) => {
    const done: types.VerifyCallback = (err, user, info) =>
      err ? reject(err) : resolve({ user, info });
    const args: unknown[] = [tokens.access_token, tokens.refresh_token];
    if (convention.withParams) args.push(tokens);
    args.push(profile, done);
    if (convention.req !== undefined) args.unshift(convention.req);
    verify(...args);
  });
}

/** Answers `skipUserProfile` for one access token, as passport-oauth2 does. */
export async function shouldSkipProfile(
  skip: NonNullable<StrategyOptionsBase['skipUserProfile']>,
  accessToken: string,
): Promise<boolean> {
  if (typeof skip !== 'function') return skip;
  // A function of two parameters answers through its callback, one of at most one parameter by
  // its return value (waiting for a callback it never calls would hang).
  if (skip.length < 2) return skip(accessToken, () => undefined) === true;
  return new Promise((resolve, reject) =>
    skip(accessToken, (err, result) => (err ? reject(err) : resolve(result === true))),
  );
}

/** passport-oauth2's OAuth2 client, as far as the strategy touches it. */
export interface OAuth2Client {
  useAuthorizationHeaderforGET(use: boolean): void;
  getOAuthAccessToken(
    code: string,
    params: Record<string, string>,
    callback: (
      err: unknown,
      accessToken?: string,
      refreshToken?: string,
      results?: types.TokenResponseParams,
    ) => void,
  ): void;
}

/**
 * Sends the grants of passport-oauth2's OAuth2 client (used by add-ons such as
 * passport-oauth2-refresh) through the core's token client. That client posts with its own HTTP
 * code (no timeout, untyped errors) and has no hook for it, so its one grant method is replaced:
 * grants then get the same timeout, typed errors and `parseErrorResponse` as a login.
 */
export function routeGrantsThrough(client: OAuth2Client, tokens: TokenEndpointClient): void {
  client.useAuthorizationHeaderforGET(true);
  client.getOAuthAccessToken = (code, params, callback) => {
    const grant = params['grant_type'] ?? 'authorization_code';
    const field = grant === 'refresh_token' ? 'refresh_token' : 'code';
    tokens.request({ ...params, grant_type: grant, [field]: code }).then(
      (res) => callback(null, res.access_token, res.refresh_token, res),
      (err: unknown) => callback(err),
    );
  };
}

/** passport-oauth2's error classes, as the strategy hands them over. */
export interface PassportOAuth2Errors {
  AuthorizationError: { prototype: object };
  TokenError: { prototype: object };
}

/**
 * Apps and add-ons test `err instanceof AuthorizationError / TokenError` from passport-oauth2. The
 * core's errors cannot extend those classes without importing passport-oauth2 into the core, so
 * the strategy puts them on the prototype chain once, when it loads passport-oauth2 anyway.
 */
export function linkErrorPrototypes(oauth2: PassportOAuth2Errors): void {
  Object.setPrototypeOf(MicrosoftAuthorizationError.prototype, oauth2.AuthorizationError.prototype);
  Object.setPrototypeOf(MicrosoftTokenError.prototype, oauth2.TokenError.prototype);
}
