/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * ES module entry. It re-exports the CommonJS implementation, so `import` and `require` share one
 * class and `instanceof` checks on errors work across both.
 *
 * @packageDocumentation
 */
import { Strategy } from './passport/strategy.js';

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
export { CLOUDS, CONSUMER_TENANT_ID, isGuid, isTenant } from './config/endpoints.js';
export type { CloudEndpoints } from './config/endpoints.js';
export { DEFAULT_SCOPE, parseScope } from './config/options.js';
export { safeLogValue } from './log.js';
export type { MicrosoftLogger } from './log.js';
export { MicrosoftSignIn } from './core/sign-in.js';
export { CookieStateStore } from './state/cookie-state-store.js';
export type { CookieStateStoreOptions } from './state/cookie-state-store.js';
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
export type { ResolvedConfig, ResolvedSettings } from './config/settings.js';
export type { AuthorityKind, ResolvedEndpoints, TenantKind } from './config/endpoints.js';
export type { StepUpRequest, StepUpResult } from './core/step-up.js';
export type { CallbackInput, CallbackParams } from './core/callback.js';
export type { TokenEndpointClient, TokenRequestOptions } from './clients/token.js';
export type { ClientCredential } from './clients/client-credentials.js';
export type { GraphEndpointClient, GraphMe } from './clients/graph.js';
export type { GraphUser } from './profile/graph-user.js';
export type { SigningKey } from './tokens/jwks.js';
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
