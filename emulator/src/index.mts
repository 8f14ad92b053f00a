/**
 * ESM entry of `microsoft-identity-emulator`: re-exports the CommonJS implementation so ESM and
 * CommonJS users share a single copy.
 *
 * @packageDocumentation
 */
export {
  startEmulator,
  completeLogin,
  EMULATOR_ROUTES,
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_DOMAINS,
  DEMO_TENANT_ID,
  DEMO_USERS,
  B2C_POLICIES,
  B2C_TENANT_DOMAIN,
  B2C_TENANT_ID,
  EXTERNAL_ID_TENANT_DOMAIN,
  EXTERNAL_ID_TENANT_ID,
  FEDERATED_AUDIENCE,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './index.js';
export type {
  CompleteLoginResult,
  CreateSigningKeyOptions,
  Emulator,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorFault,
  EmulatorFaultFunction,
  EmulatorFederatedCredential,
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
} from './index.js';
