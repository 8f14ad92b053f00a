/**
 * Types of the Passport adapter: the request it reads, the verify callbacks, the failure challenge,
 * the part of passport-oauth2's base class it uses, and Passport's authenticate options.
 */
import type { IncomingMessage } from 'node:http';
import type { MicrosoftAuthenticateOptions } from './login.js';
import type { MicrosoftProfile } from './profile.js';
import type { TokenResponseParams } from './tokens.js';

declare global {
  // Merges with the `Express.Request` interface that @types/express and @types/passport declare, so
  // `req.user`, `req.session`, `req.logIn` … are typed when those packages are present.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
  }
}

/** The incoming request as the strategy reads it (an Express/Connect request fits). */
export type MicrosoftRequest = IncomingMessage &
  Express.Request & {
    /** Parsed query string (Express `req.query`); the callback reads `code`, `state` and `error` from it. */
    query?: unknown;
    /** Parsed body (Express `req.body`); a `form_post` callback carries `code`, `state` and `error` here. */
    body?: unknown;
    /** The session (express-session `req.session`); the default state store keeps pending logins in it. */
    session?: unknown;
  };

/** Passport's verified callback. */
export type VerifyCallback = (
  err?: unknown,
  user?: Express.User | false | null,
  info?: object,
) => void;

// Method signatures keep parameters bivariant, so a verify annotated with a framework's own request
// type (e.g. `express.Request`) is accepted.
interface VerifyMethods {
  verify(
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithParams(
    accessToken: string,
    refreshToken: string | undefined,
    params: TokenResponseParams,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithRequest(
    req: MicrosoftRequest,
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithRequestAndParams(
    req: MicrosoftRequest,
    accessToken: string,
    refreshToken: string | undefined,
    params: TokenResponseParams,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
}

/** Verify callback `(accessToken, refreshToken, profile, done)`. */
export type VerifyFunctionNoParams = VerifyMethods['verify'];
/** Verify callback `(accessToken, refreshToken, params, profile, done)`; `params` is the token response. */
export type VerifyFunctionWithParams = VerifyMethods['verifyWithParams'];
/** Verify callback `(req, accessToken, refreshToken, profile, done)` for `passReqToCallback: true`. */
export type VerifyFunctionWithRequestNoParams = VerifyMethods['verifyWithRequest'];
/** Verify callback `(req, accessToken, refreshToken, params, profile, done)` for `passReqToCallback: true`. */
export type VerifyFunctionWithRequestAndParams = VerifyMethods['verifyWithRequestAndParams'];

/** Verify callback without the request: `(accessToken, refreshToken, [params,] profile, done)`. */
export type VerifyFunction = VerifyFunctionNoParams | VerifyFunctionWithParams;

/** Verify callback with `passReqToCallback: true`: `(req, accessToken, refreshToken, [params,] profile, done)`. */
export type VerifyFunctionWithRequest =
  VerifyFunctionWithRequestNoParams | VerifyFunctionWithRequestAndParams;

/** A Passport failure challenge. */
export interface FailureInfo {
  /** Why sign-in did not succeed. */
  message: string;
  [field: string]: unknown;
}

/**
 * The part of passport-oauth2's `OAuth2Strategy` (and of the actions Passport adds at request time)
 * that this package uses, typed here so the published types need no `@types/*` packages.
 */
export interface OAuth2StrategyBase {
  /** Name used with `passport.authenticate(name)`. */
  name: string;
  /** Passport entry point. */
  authenticate(req: MicrosoftRequest, options?: object): void;
  /** Loads the profile for an access token. */
  userProfile(accessToken: string, done: (err: unknown, profile?: unknown) => void): void;
  /** Extra authorize-request parameters for one request. */
  authorizationParams(options: object): Record<string, string>;
  /** Extra token-request parameters for one request. */
  tokenParams(options: object): Record<string, string>;
  /** Turns a token-endpoint error body into an error. */
  parseErrorResponse(body: string, status: number): Error | null;
  /** Passport action: authenticated. */
  success(user: Express.User, info?: object): void;
  /** Passport action: not authenticated. */
  fail(challenge?: FailureInfo | string, status?: number): void;
  /** Passport action: something went wrong. */
  error(err: unknown): void;
  /** Passport action: redirect the browser. */
  redirect(url: string, status?: number): void;
}

/** Constructor type of {@link OAuth2StrategyBase}. */
export interface OAuth2StrategyBaseConstructor {
  new (options: Record<string, unknown>, verify: (...args: never[]) => void): OAuth2StrategyBase;
}

declare module 'passport' {
  /**
   * `passport.authenticate('microsoft', { … })` accepts this strategy's per-request options
   * (`prompt` and `scope` are already declared by Passport's own types).
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AuthenticateOptions extends Omit<
    MicrosoftAuthenticateOptions,
    'prompt' | 'state' | 'scope'
  > {}
}
