/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * CommonJS entry: `require('passport-microsoft-account')` is the {@link Strategy} class, with
 * `.Strategy`, `.default`, the sign-in core, the error classes, the helpers and the constants on it,
 * as the Passport world expects. The values and types are those of api.ts, the one list of the
 * public API (test/unit/public-api.test.ts checks this entry against it).
 *
 * @packageDocumentation
 */
import * as api from './api.js';
import { Strategy as StrategyClass } from './passport/strategy.js';

const { Strategy: _strategy, ...values } = api;
const Strategy = Object.assign(StrategyClass, values, {
  Strategy: StrategyClass,
  default: StrategyClass,
});
type Strategy = StrategyClass;

/** Types reachable from the CommonJS export (`require('passport-microsoft-account')`). */
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace Strategy {
  export type Strategy = StrategyClass;
  export type MicrosoftSignIn = api.MicrosoftSignIn;
  export type CookieStateStore = api.CookieStateStore;
  export type MicrosoftAuthorizationError = api.MicrosoftAuthorizationError;
  export type MicrosoftGraphError = api.MicrosoftGraphError;
  export type MicrosoftHttpError = api.MicrosoftHttpError;
  export type MicrosoftIdTokenError = api.MicrosoftIdTokenError;
  export type MicrosoftProfileError = api.MicrosoftProfileError;
  export type MicrosoftStateError = api.MicrosoftStateError;
  export type MicrosoftTenantNotAllowedError = api.MicrosoftTenantNotAllowedError;
  export type MicrosoftTokenError = api.MicrosoftTokenError;
  export type AadstsDiagnostics = api.AadstsDiagnostics;
  export type AuthorizationErrorFields = api.AuthorizationErrorFields;
  export type GraphErrorFields = api.GraphErrorFields;
  export type HttpErrorCode = api.HttpErrorCode;
  export type IdTokenErrorCode = api.IdTokenErrorCode;
  export type MicrosoftEndpoint = api.MicrosoftEndpoint;
  export type OAuth2ErrorBase = api.OAuth2ErrorBase;
  export type OAuth2ErrorBaseConstructor = api.OAuth2ErrorBaseConstructor;
  export type ProfileErrorCode = api.ProfileErrorCode;
  export type StateErrorCode = api.StateErrorCode;
  export type TokenErrorBody = api.TokenErrorBody;
  export type AuthorityKind = api.AuthorityKind;
  export type CloudEndpoints = api.CloudEndpoints;
  export type TenantKind = api.TenantKind;
  export type SignInOptions = api.SignInOptions;
  export type StrategyOptions = api.StrategyOptions;
  export type StrategyOptionsBase = api.StrategyOptionsBase;
  export type StrategyOptionsWithRequest = api.StrategyOptionsWithRequest;
  export type MicrosoftLogger = api.MicrosoftLogger;
  export type CookieStateStoreOptions = api.CookieStateStoreOptions;
  export type AuthorizationRequest = api.AuthorizationRequest;
  export type AuthorizationRequestOptions = api.AuthorizationRequestOptions;
  export type CallbackOptions = api.CallbackOptions;
  export type RefreshOptions = api.RefreshOptions;
  export type SignInDependencies = api.SignInDependencies;
  export type SignInResult = api.SignInResult;
  export type SigningKeySource = api.SigningKeySource;
  export type CallbackInput = api.CallbackInput;
  export type CallbackParams = api.CallbackParams;
  export type PendingLogin = api.PendingLogin;
  export type StepUpRequest = api.StepUpRequest;
  export type StepUpResult = api.StepUpResult;
  export type ClientCredential = api.ClientCredential;
  export type GraphEndpointClient = api.GraphEndpointClient;
  export type GraphMe = api.GraphMe;
  export type TokenEndpointClient = api.TokenEndpointClient;
  export type TokenRequestOptions = api.TokenRequestOptions;
  export type GraphUser = api.GraphUser;
  export type SigningKey = api.SigningKey;
  export type AccountType = api.AccountType;
  export type MicrosoftEmail = api.MicrosoftEmail;
  export type MicrosoftIdTokenClaims = api.MicrosoftIdTokenClaims;
  export type MicrosoftProfile = api.MicrosoftProfile;
  export type LogoutUrlOptions = api.LogoutUrlOptions;
  export type StrategyEndpoints = api.StrategyEndpoints;
  export type TokenResponseParams = api.TokenResponseParams;
  export type TokenSet = api.TokenSet;
  export type MicrosoftAuthenticateOptions = api.MicrosoftAuthenticateOptions;
  export type MicrosoftPrompt = api.MicrosoftPrompt;
  export type AllowedTenants = api.AllowedTenants;
  export type ClientAssertionCallback = api.ClientAssertionCallback;
  export type ClientAssertionWithExpiry = api.ClientAssertionWithExpiry;
  export type ClientCertificate = api.ClientCertificate;
  export type MicrosoftCloud = api.MicrosoftCloud;
  export type MicrosoftTenant = api.MicrosoftTenant;
  export type StateStore = api.StateStore;
  export type StateStoreMeta = api.StateStoreMeta;
  export type StateTakeResult = api.StateTakeResult;
  export type FailureInfo = api.FailureInfo;
  export type MicrosoftRequest = api.MicrosoftRequest;
  export type VerifyCallback = api.VerifyCallback;
  export type VerifyFunction = api.VerifyFunction;
  export type VerifyFunctionNoParams = api.VerifyFunctionNoParams;
  export type VerifyFunctionWithParams = api.VerifyFunctionWithParams;
  export type VerifyFunctionWithRequest = api.VerifyFunctionWithRequest;
  export type VerifyFunctionWithRequestAndParams = api.VerifyFunctionWithRequestAndParams;
  export type VerifyFunctionWithRequestNoParams = api.VerifyFunctionWithRequestNoParams;
  export type StateFailureReason = api.StateFailureReason;
  export type MicrosoftAccessTokenVerifier = api.MicrosoftAccessTokenVerifier;
  export type AccessTokenVerifierDependencies = api.AccessTokenVerifierDependencies;
  export type MicrosoftAccessTokenVerifierOptions = api.MicrosoftAccessTokenVerifierOptions;
  export type MicrosoftAccessToken = api.MicrosoftAccessToken;
  export type MicrosoftAccessTokenClaims = api.MicrosoftAccessTokenClaims;
  export type AccessTokenRequirements = api.AccessTokenRequirements;
  export type AccessTokenAllowedTenants = api.AccessTokenAllowedTenants;
  export type MicrosoftAccessTokenError = api.MicrosoftAccessTokenError;
  export type AccessTokenErrorCode = api.AccessTokenErrorCode;
  export type MicrosoftBearerStrategy = api.MicrosoftBearerStrategy;
  export type MicrosoftBearerStrategyOptions = api.MicrosoftBearerStrategyOptions;
  export type MicrosoftBearerStrategyOptionsWithRequest =
    api.MicrosoftBearerStrategyOptionsWithRequest;
  export type MicrosoftBearerAuthenticateOptions = api.MicrosoftBearerAuthenticateOptions;
  export type BearerVerifyFunction = api.BearerVerifyFunction;
  export type BearerVerifyFunctionWithRequest = api.BearerVerifyFunctionWithRequest;
  export type BearerVerifyCallback = api.BearerVerifyCallback;
}

export = Strategy;
