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
import { MicrosoftAccessTokenVerifier } from './core/access-token/verifier.js';
import { MicrosoftBearerStrategy } from './passport/bearer-strategy.js';
import { MicrosoftSignIn } from './core/sign-in.js';
import { CLOUDS, CONSUMER_TENANT_ID, isGuid, isTenant } from './config/endpoints.js';
import * as errors from './errors.js';
import { safeLogValue } from './log.js';
import { DEFAULT_SCOPE, parseScope } from './config/options.js';
import { Strategy as StrategyClass } from './passport/strategy.js';
import type * as cookies from './state/cookie-state-store.js';
import type * as core from './core/sign-in.js';
import type * as pending from './core/pending-login.js';
import type * as types from './types.js';
import type * as log from './log.js';
import type * as endpoints from './config/endpoints.js';
import type * as settings from './config/settings.js';
import type * as stepUp from './core/step-up.js';
import type * as callback from './core/callback.js';
import type * as clientCredentials from './clients/client-credentials.js';
import type * as tokenClient from './clients/token.js';
import type * as graphClient from './clients/graph.js';
import type * as graphUser from './profile/graph-user.js';
import type * as jwks from './tokens/jwks.js';
import type * as accessToken from './core/access-token/claims.js';
import type * as accessTokenOptions from './core/access-token/options.js';
import type * as accessTokenPolicy from './core/access-token/policy.js';
import type * as accessTokenVerifier from './core/access-token/verifier.js';
import type * as bearer from './passport/bearer-strategy.js';

const Strategy = Object.assign(StrategyClass, {
  Strategy: StrategyClass,
  default: StrategyClass,
  ...errors,
  MicrosoftSignIn,
  MicrosoftAccessTokenVerifier,
  MicrosoftBearerStrategy,
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
  export type MicrosoftSignIn = core.MicrosoftSignIn;
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
  export type SignInOptions = types.SignInOptions;
  export type MicrosoftAuthorizationError = errors.MicrosoftAuthorizationError;
  export type MicrosoftTokenError = errors.MicrosoftTokenError;
  export type MicrosoftTenantNotAllowedError = errors.MicrosoftTenantNotAllowedError;
  export type MicrosoftGraphError = errors.MicrosoftGraphError;
  export type MicrosoftIdTokenError = errors.MicrosoftIdTokenError;
  export type MicrosoftProfileError = errors.MicrosoftProfileError;
  export type MicrosoftStateError = errors.MicrosoftStateError;
  /** @deprecated Renamed MicrosoftGraphError. */
  export type GraphError = errors.GraphError;
  export type MicrosoftHttpError = errors.MicrosoftHttpError;
  /** @deprecated Renamed MicrosoftIdTokenError. */
  export type IdTokenError = errors.IdTokenError;
  /** @deprecated Renamed MicrosoftProfileError. */
  export type ProfileError = errors.ProfileError;
  /** @deprecated Renamed MicrosoftStateError. */
  export type StateError = errors.StateError;
  export type IdTokenErrorCode = errors.IdTokenErrorCode;
  export type HttpErrorCode = errors.HttpErrorCode;
  export type MicrosoftProfile = types.MicrosoftProfile;
  export type MicrosoftEmail = types.MicrosoftEmail;
  export type MicrosoftIdTokenClaims = types.MicrosoftIdTokenClaims;
  export type StrategyOptions = types.StrategyOptions;
  export type StrategyOptionsWithRequest = types.StrategyOptionsWithRequest;
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
  export type StateFailureReason = types.StateFailureReason;
  export type ClientCertificate = types.ClientCertificate;
  export type ClientAssertionCallback = types.ClientAssertionCallback;
  export type ClientAssertionWithExpiry = types.ClientAssertionWithExpiry;
  // The rest of what the ES module entry exports, so a CommonJS project can import the same types.
  export type AadstsDiagnostics = errors.AadstsDiagnostics;
  export type AuthorizationErrorFields = errors.AuthorizationErrorFields;
  export type GraphErrorFields = errors.GraphErrorFields;
  export type MicrosoftEndpoint = errors.MicrosoftEndpoint;
  export type OAuth2ErrorBase = errors.OAuth2ErrorBase;
  export type OAuth2ErrorBaseConstructor = errors.OAuth2ErrorBaseConstructor;
  export type ProfileErrorCode = errors.ProfileErrorCode;
  export type StateErrorCode = errors.StateErrorCode;
  export type TokenErrorBody = errors.TokenErrorBody;
  export type AllowedTenants = types.AllowedTenants;
  export type FailureInfo = types.FailureInfo;
  export type LogoutUrlOptions = types.LogoutUrlOptions;
  export type MicrosoftPrompt = types.MicrosoftPrompt;
  export type MicrosoftRequest = types.MicrosoftRequest;
  export type MicrosoftTenant = types.MicrosoftTenant;
  export type OAuth2StrategyBase = types.OAuth2StrategyBase;
  export type OAuth2StrategyBaseConstructor = types.OAuth2StrategyBaseConstructor;
  export type PassportOnlyOption = types.PassportOnlyOption;
  export type StrategyEndpoints = types.StrategyEndpoints;
  export type StrategyOptionsBase = types.StrategyOptionsBase;
  export type AuthorityKind = endpoints.AuthorityKind;
  export type CloudEndpoints = endpoints.CloudEndpoints;
  export type ResolvedEndpoints = endpoints.ResolvedEndpoints;
  export type TenantKind = endpoints.TenantKind;
  export type ResolvedConfig = settings.ResolvedConfig;
  export type ResolvedSettings = settings.ResolvedSettings;
  export type CallbackOptions = core.CallbackOptions;
  export type SigningKeySource = core.SigningKeySource;
  export type SigningKey = jwks.SigningKey;
  export type StepUpRequest = stepUp.StepUpRequest;
  export type StepUpResult = stepUp.StepUpResult;
  export type CallbackInput = callback.CallbackInput;
  export type CallbackParams = callback.CallbackParams;
  export type ClientCredential = clientCredentials.ClientCredential;
  export type TokenEndpointClient = tokenClient.TokenEndpointClient;
  export type TokenRequestOptions = tokenClient.TokenRequestOptions;
  export type GraphEndpointClient = graphClient.GraphEndpointClient;
  export type GraphMe = graphClient.GraphMe;
  export type GraphUser = graphUser.GraphUser;
  export type MicrosoftAccessTokenVerifier = accessTokenVerifier.MicrosoftAccessTokenVerifier;
  export type AccessTokenVerifierDependencies = accessTokenVerifier.AccessTokenVerifierDependencies;
  export type MicrosoftAccessTokenVerifierOptions =
    accessTokenOptions.MicrosoftAccessTokenVerifierOptions;
  export type MicrosoftAccessToken = accessToken.MicrosoftAccessToken;
  export type MicrosoftAccessTokenClaims = accessToken.MicrosoftAccessTokenClaims;
  export type AccessTokenRequirements = accessTokenPolicy.AccessTokenRequirements;
  export type AccessTokenAllowedTenants = accessTokenPolicy.AccessTokenAllowedTenants;
  export type MicrosoftAccessTokenError = errors.MicrosoftAccessTokenError;
  export type AccessTokenErrorCode = errors.AccessTokenErrorCode;
  export type MicrosoftBearerStrategy = bearer.MicrosoftBearerStrategy;
  export type MicrosoftBearerStrategyOptions = bearer.MicrosoftBearerStrategyOptions;
  export type MicrosoftBearerStrategyOptionsWithRequest =
    bearer.MicrosoftBearerStrategyOptionsWithRequest;
  export type MicrosoftBearerAuthenticateOptions = bearer.MicrosoftBearerAuthenticateOptions;
  export type BearerVerifyFunction = bearer.BearerVerifyFunction;
  export type BearerVerifyFunctionWithRequest = bearer.BearerVerifyFunctionWithRequest;
  export type BearerVerifyCallback = bearer.BearerVerifyCallback;
}

export = Strategy;
