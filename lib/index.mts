/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * ES module entry. It re-exports the CommonJS implementation, so `import` and `require` share one
 * class and `instanceof` checks on errors work across both.
 *
 * @packageDocumentation
 */
import { Strategy } from './strategy.js';

export default Strategy;
export { Strategy };
export {
  ACCESS_TOKEN_ERROR_CODES,
  GraphError,
  ID_TOKEN_ERROR_CODES,
  INTERACTION_REQUIRED_ERRORS,
  IdTokenError,
  MicrosoftAccessTokenError,
  MicrosoftAuthorizationError,
  MicrosoftGraphError,
  MicrosoftHttpError,
  MicrosoftIdTokenError,
  MicrosoftProfileError,
  MicrosoftStateError,
  MicrosoftTenantNotAllowedError,
  MicrosoftTokenError,
  ProfileError,
  StateError,
  parseAadsts,
} from './errors.js';
export type {
  AadstsDiagnostics,
  AccessTokenErrorCode,
  AuthorizationErrorFields,
  GraphErrorFields,
  OAuth2ErrorBase,
  OAuth2ErrorBaseConstructor,
  TokenErrorBody,
  HttpErrorCode,
  IdTokenErrorCode,
  MicrosoftEndpoint,
  ProfileErrorCode,
  StateErrorCode,
} from './errors.js';
export { CLOUDS, CONSUMER_TENANT_ID, isGuid, isTenant } from './endpoints.js';
export type { CloudEndpoints } from './endpoints.js';
export { DEFAULT_SCOPE, parseScope } from './options.js';
export { safeLogValue } from './log.js';
export type { MicrosoftLogger } from './log.js';
export { MicrosoftSignIn } from './core/sign-in.js';
export { CookieStateStore } from './cookie-state-store.js';
export type { CookieStateStoreOptions } from './cookie-state-store.js';
export type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  CallbackOptions,
  RefreshOptions,
  SignInDependencies,
  SignInResult,
  SigningKeySource,
} from './core/sign-in.js';
export type { PendingLogin } from './core/pending-login.js';
export type { ResolvedConfig, ResolvedSettings } from './settings.js';
export type { AuthorityKind, ResolvedEndpoints, TenantKind } from './endpoints.js';
export type { StepUpRequest, StepUpResult } from './core/step-up.js';
export type { CallbackInput, CallbackParams } from './core/callback.js';
export type { TokenEndpointClient, TokenRequestOptions } from './token-client.js';
export type {
  ClientAssertionCallback,
  ClientAssertionWithExpiry,
  ClientCertificate,
  ClientCredential,
} from './client-credentials.js';
export type { GraphEndpointClient, GraphMe } from './graph-client.js';
export type { GraphUser } from './profile/graph-user.js';
export type { SigningKey } from './idtoken/jwks.js';
export type * from './types.js';
export { MicrosoftAccessTokenVerifier } from './core/access-token/verifier.js';
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
export { MicrosoftBearerStrategy } from './passport/bearer-strategy.js';
export type {
  BearerVerifyCallback,
  BearerVerifyFunction,
  BearerVerifyFunctionWithRequest,
  MicrosoftBearerAuthenticateOptions,
  MicrosoftBearerStrategyOptions,
  MicrosoftBearerStrategyOptionsWithRequest,
} from './passport/bearer-strategy.js';
