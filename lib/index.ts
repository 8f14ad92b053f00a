/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * CommonJS entry: `require('passport-microsoft-account')` is the {@link Strategy} class, with
 * `.Strategy`, `.default`, the sign-in core, the error classes, the helpers and the constants on it,
 * as the Passport world expects.
 *
 * @packageDocumentation
 */
import { CookieStateStore } from './state/cookie-state-store.js';
import { MicrosoftSignIn } from './core/sign-in.js';
import { CLOUDS, CONSUMER_TENANT_ID, isGuid, isTenant } from './config/endpoints.js';
import * as errors from './errors.js';
import { safeLogValue } from './log.js';
import { DEFAULT_SCOPE, parseScope } from './config/option-checks.js';
import type * as options from './config/options.js';
import { Strategy as StrategyClass } from './passport/strategy.js';
import type * as cookies from './state/cookie-state-store.js';
import type * as core from './core/sign-in-types.js';
import type * as pending from './core/pending-login.js';
import type * as types from './types.js';
import type * as log from './log.js';

const Strategy = Object.assign(StrategyClass, {
  Strategy: StrategyClass,
  default: StrategyClass,
  ...errors,
  MicrosoftSignIn,
  CookieStateStore,
  CLOUDS,
  CONSUMER_TENANT_ID,
  DEFAULT_SCOPE,
  isGuid,
  isTenant,
  parseScope,
  safeLogValue,
});
type Strategy = StrategyClass;

/** Types reachable from the CommonJS export (`require('passport-microsoft-account')`). */
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace Strategy {
  export type Strategy = StrategyClass;
  export type MicrosoftSignIn = InstanceType<typeof MicrosoftSignIn>;
  export type SignInDependencies = core.SignInDependencies;
  export type SignInResult = core.SignInResult;
  export type AuthorizationRequest = core.AuthorizationRequest;
  export type AuthorizationRequestOptions = core.AuthorizationRequestOptions;
  export type RefreshOptions = core.RefreshOptions;
  export type PendingLogin = pending.PendingLogin;
  export type StateStore = types.StateStore;
  export type StateStoreMeta = types.StateStoreMeta;
  export type CookieStateStore = cookies.CookieStateStore;
  export type CookieStateStoreOptions = cookies.CookieStateStoreOptions;
  export type SignInOptions = options.SignInOptions;
  export type MicrosoftAuthorizationError = errors.MicrosoftAuthorizationError;
  export type MicrosoftTokenError = errors.MicrosoftTokenError;
  export type MicrosoftTenantNotAllowedError = errors.MicrosoftTenantNotAllowedError;
  export type MicrosoftGraphError = errors.MicrosoftGraphError;
  export type MicrosoftIdTokenError = errors.MicrosoftIdTokenError;
  export type MicrosoftProfileError = errors.MicrosoftProfileError;
  export type MicrosoftStateError = errors.MicrosoftStateError;
  export type MicrosoftHttpError = errors.MicrosoftHttpError;
  export type IdTokenErrorCode = errors.IdTokenErrorCode;
  export type HttpErrorCode = errors.HttpErrorCode;
  export type MicrosoftProfile = types.MicrosoftProfile;
  export type MicrosoftEmail = types.MicrosoftEmail;
  export type MicrosoftIdTokenClaims = types.MicrosoftIdTokenClaims;
  export type StrategyOptions = options.StrategyOptions;
  export type StrategyOptionsWithRequest = options.StrategyOptionsWithRequest;
  export type VerifyFunction = types.VerifyFunction;
  export type VerifyFunctionWithRequest = types.VerifyFunctionWithRequest;
  export type VerifyFunctionNoParams = types.VerifyFunctionNoParams;
  export type VerifyFunctionWithParams = types.VerifyFunctionWithParams;
  export type VerifyFunctionWithRequestNoParams = types.VerifyFunctionWithRequestNoParams;
  export type VerifyFunctionWithRequestAndParams = types.VerifyFunctionWithRequestAndParams;
  export type VerifyCallback = types.VerifyCallback;
  export type MicrosoftAuthenticateOptions = types.MicrosoftAuthenticateOptions;
  export type TokenSet = types.TokenSet;
  export type TokenResponseParams = types.TokenResponseParams;
  export type MicrosoftCloud = types.MicrosoftCloud;
  export type AccountType = types.AccountType;
  export type MicrosoftLogger = log.MicrosoftLogger;
  export type StateTakeResult = types.StateTakeResult;
  export type ClientCertificate = types.ClientCertificate;
  export type ClientAssertionCallback = types.ClientAssertionCallback;
  export type ClientAssertionWithExpiry = types.ClientAssertionWithExpiry;
}

export = Strategy;
