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
  GraphError,
  ID_TOKEN_ERROR_CODES,
  IdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftHttpError,
  MicrosoftTokenError,
  ProfileError,
  StateError,
  parseAadsts,
} from './errors.js';
export type {
  AadstsDiagnostics,
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
export { CLOUDS, CONSUMER_TENANT_ID, DEFAULT_SCOPE } from './config.js';
export { CookieStateStore } from './cookie-state-store.js';
export type { CookieStateStoreOptions } from './cookie-state-store.js';
export type { CloudEndpoints } from './config.js';
export type {
  FailureInfo,
  StrategyEndpoints,
  OAuth2StrategyBase,
  OAuth2StrategyBaseConstructor,
} from './strategy.js';
export type * from './types.js';
