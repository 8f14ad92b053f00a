/**
 * A local emulator of the Microsoft identity platform v2.0 endpoints and the Microsoft Graph `/me`
 * subset, for offline end-to-end tests of "Sign in with Microsoft".
 *
 * ```ts
 * import { startEmulator, completeLogin, DEFAULT_CLIENT } from 'microsoft-identity-emulator';
 * const emulator = await startEmulator();
 * // point the strategy at emulator.authority('common') and emulator.graphBaseURL
 * await emulator.close();
 * ```
 *
 * @packageDocumentation
 */
import { EmulatorServer } from './server.js';
import type { Emulator, EmulatorOptions } from './emulator-types.js';

export type {
  CompleteLoginResult,
  CreateSigningKeyOptions,
  Emulator,
  EmulatorApi,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorFault,
  EmulatorFaultFunction,
  EmulatorFederatedCredential,
  EmulatorHttpsOptions,
  EmulatorJwk,
  EmulatorOptions,
  EmulatorRequest,
  EmulatorResponse,
  EmulatorRoute,
  EmulatorSigningKey,
  EmulatorTenant,
  EmulatorTokenAnswer,
  EmulatorUser,
  PublishKeyOptions,
  SignIdTokenOptions,
} from './emulator-types.js';
export { EMULATOR_ROUTES } from './emulator-types.js';
export {
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_PUBLIC_CLIENT,
  DEMO_TENANT_DOMAINS,
  DEMO_TENANT_ID,
  DEMO_USERS,
} from './users.js';
export { completeLogin } from './login.js';
export { DEVICE_CODE_INTERVAL_SECONDS, DEVICE_CODE_LIFETIME_SECONDS } from './device-code.js';
export type { CompleteLoginOptions } from './login.js';
export { defaultCaDirectory } from './tls-setup.js';
export {
  B2C_POLICIES,
  B2C_TENANT_DOMAIN,
  B2C_TENANT_ID,
  EXTERNAL_ID_TENANT_DOMAIN,
  EXTERNAL_ID_TENANT_ID,
} from './tenants.js';
export { FEDERATED_AUDIENCE, MAX_ASSERTION_LIFETIME_SECONDS } from './client-assertions.js';

/**
 * Starts an emulator listening on `options.host` (default `127.0.0.1`) and `options.port` (default `0`,
 * a free port), with fresh RSA signing keys. Defaults: clients `[DEFAULT_CLIENT, DEMO_API,
 * DEMO_DAEMON_CLIENT, DEMO_PUBLIC_CLIENT]`, users `DEMO_USERS`,
 * no latency, codes valid 600 s, access tokens 3599 s. Always `close()` it.
 *
 * @example
 * ```ts
 * import { Strategy } from 'passport-microsoft-account';
 * import { DEFAULT_CLIENT, startEmulator } from 'microsoft-identity-emulator';
 *
 * const emulator = await startEmulator();
 * const strategy = new Strategy({
 *   clientID: DEFAULT_CLIENT.clientID,
 *   clientSecret: DEFAULT_CLIENT.clientSecret,
 *   callbackURL: 'http://127.0.0.1:3000/login/callback',
 *   authority: emulator.authority('common'),
 *   graphBaseURL: emulator.graphBaseURL,
 * }, (accessToken, refreshToken, profile, done) => done(null, { id: profile.id }));
 * // … run the app's sign-in tests against it …
 * await emulator.close();
 * void strategy;
 * ```
 */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return EmulatorServer.start(options);
}
