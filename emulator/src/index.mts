/**
 * ESM entry of `microsoft-identity-emulator`: re-exports the CommonJS entry (`index.ts`, the one
 * list of what the package exports), so ESM and CommonJS users share a single copy.
 *
 * @packageDocumentation
 */
export * from './index.js';
