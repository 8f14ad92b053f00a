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
} from './index.js';
export type {
  CompleteLoginResult,
  CreateSigningKeyOptions,
  Emulator,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorFault,
  EmulatorFaultFunction,
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
