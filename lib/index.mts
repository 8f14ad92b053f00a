/**
 * passport-microsoft-account: "Sign in with Microsoft" for Passport.
 *
 * ES module entry. It re-exports the CommonJS implementation, so `import` and `require` share one
 * class and `instanceof` checks on errors work across both. Its types are api.ts's, the one list
 * of the public API; its values are named one by one (an `export *` of a CommonJS module would
 * also export `__esModule`), and test/unit/public-api.test.ts checks them against api.ts.
 *
 * @packageDocumentation
 */
import { Strategy } from './api.js';

export default Strategy;
export {
  ACCESS_TOKEN_ERROR_CODES,
  CLOUDS,
  CONSUMER_TENANT_ID,
  CookieStateStore,
  DEFAULT_SCOPE,
  ID_TOKEN_ERROR_CODES,
  INTERACTION_REQUIRED_ERRORS,
  isGuid,
  isTenant,
  MicrosoftAccessTokenError,
  MicrosoftAccessTokenVerifier,
  MicrosoftAuthorizationError,
  MicrosoftBearerStrategy,
  MicrosoftGraphError,
  MicrosoftHttpError,
  MicrosoftIdTokenError,
  MicrosoftProfileError,
  MicrosoftSignIn,
  MicrosoftStateError,
  MicrosoftTenantNotAllowedError,
  MicrosoftTokenError,
  parseAadsts,
  parseScope,
  safeLogValue,
  Strategy,
} from './api.js';
export type * from './api.js';
