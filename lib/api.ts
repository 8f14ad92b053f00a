/**
 * The public API, in one place: every value and type the package exports. The ES module entry
 * (index.mts) re-exports this module; the CommonJS entry (index.ts) puts its values on the
 * Strategy class and names its types in the `Strategy` namespace. test/unit/public-api.test.ts
 * checks both entries against this list. Anything not listed here is internal.
 */
export { Strategy } from './passport/strategy.js';
export { MicrosoftSignIn } from './core/sign-in.js';
export { CookieStateStore } from './state/cookie-state-store.js';
export { MicrosoftAccessTokenVerifier } from './core/access-token/verifier.js';
export { MicrosoftBearerStrategy } from './passport/bearer-strategy.js';
export {
  ACCESS_TOKEN_ERROR_CODES,
  ID_TOKEN_ERROR_CODES,
  INTERACTION_REQUIRED_ERRORS,
  MicrosoftAccessTokenError,
  MicrosoftAuthorizationError,
  MicrosoftGraphError,
  MicrosoftHttpError,
  MicrosoftIdTokenError,
  MicrosoftProfileError,
  MicrosoftStateError,
  MicrosoftTenantNotAllowedError,
  MicrosoftTokenError,
  parseAadsts,
} from './errors.js';
export { CLOUDS, CONSUMER_TENANT_ID, isGuid, isTenant } from './config/clouds.js';
export { DEFAULT_SCOPE, parseScope } from './config/option-checks.js';
export { safeLogValue } from './log.js';

export type {
  AadstsDiagnostics,
  AccessTokenErrorCode,
  AuthorizationErrorFields,
  GraphErrorFields,
  HttpErrorCode,
  IdTokenErrorCode,
  MicrosoftEndpoint,
  OAuth2ErrorBase,
  OAuth2ErrorBaseConstructor,
  ProfileErrorCode,
  StateErrorCode,
  TokenErrorBody,
} from './errors.js';
export type { AuthorityKind, CloudEndpoints, TenantKind } from './config/clouds.js';
export type {
  SignInOptions,
  StrategyOptions,
  StrategyOptionsBase,
  StrategyOptionsWithRequest,
} from './config/options.js';
export type { MicrosoftLogger } from './log.js';
export type { CookieStateStoreOptions } from './state/cookie-state-store.js';
export type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  CallbackOptions,
  RefreshOptions,
  SignInDependencies,
  SignInResult,
  SigningKeySource,
} from './core/sign-in-types.js';
export type { CallbackInput, CallbackParams } from './core/callback.js';
export type { AccessTokenVerifierDependencies } from './core/access-token/verifier.js';
export type { MicrosoftAccessTokenVerifierOptions } from './core/access-token/options.js';
export type {
  MicrosoftAccessToken,
  MicrosoftAccessTokenClaims,
} from './core/access-token/claims.js';
export type {
  AccessTokenAllowedTenants,
  AccessTokenRequirements,
} from './core/access-token/policy.js';
export type {
  BearerVerifyCallback,
  BearerVerifyFunction,
  BearerVerifyFunctionWithRequest,
  MicrosoftBearerAuthenticateOptions,
  MicrosoftBearerStrategyOptions,
  MicrosoftBearerStrategyOptionsWithRequest,
} from './passport/bearer-strategy.js';
export type { PendingLogin } from './core/pending-login.js';
export type { StepUpRequest, StepUpResult } from './core/step-up.js';
export type { ClientCredential } from './clients/client-credentials.js';
export type { GraphEndpointClient, GraphMe } from './clients/graph.js';
export type { TokenEndpointClient, TokenRequestOptions } from './clients/token.js';
export type { GraphUser } from './profile/graph-user.js';
export type { SigningKey } from './tokens/jwks.js';
export type {
  AccountType,
  MicrosoftEmail,
  MicrosoftIdTokenClaims,
  MicrosoftProfile,
} from './types/profile.js';
export type {
  LogoutUrlOptions,
  StrategyEndpoints,
  TokenResponseParams,
  TokenSet,
} from './types/tokens.js';
export type { MicrosoftAuthenticateOptions, MicrosoftPrompt } from './types/login.js';
export type {
  AllowedTenants,
  ClientAssertionCallback,
  ClientAssertionWithExpiry,
  ClientCertificate,
  MicrosoftCloud,
  MicrosoftTenant,
} from './types/option-values.js';
export type {
  StateFailureReason,
  StateStore,
  StateStoreMeta,
  StateTakeResult,
} from './types/state-store.js';
export type {
  FailureInfo,
  MicrosoftRequest,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionNoParams,
  VerifyFunctionWithParams,
  VerifyFunctionWithRequest,
  VerifyFunctionWithRequestAndParams,
  VerifyFunctionWithRequestNoParams,
} from './types/passport.js';
