/**
 * Types of option values: clouds, tenants, the tenant allow-list and client credentials.
 */
import type { KeyObject } from 'node:crypto';
import type { MicrosoftIdTokenClaims } from './profile.js';

/** National clouds: each moves the login host, the issuer host and the Graph host together. */
export type MicrosoftCloud = 'global' | 'usgov' | 'usgov-dod' | 'china';

/** `common`, `organizations`, `consumers`, a tenant GUID, or a verified domain. */
export type MicrosoftTenant = 'common' | 'organizations' | 'consumers' | (string & {});

/** A tenant allow-list: ids, or a function deciding per sign-in. */
export type AllowedTenants =
  | readonly string[]
  | ((tenantId: string, claims: MicrosoftIdTokenClaims) => boolean | Promise<boolean>);

/**
 * A certificate registered on the app (Certificates & secrets): its private key and the SHA-256
 * thumbprint of the certificate, or the certificate itself to compute it from.
 */
export interface ClientCertificate {
  /** RSA private key: a PEM string (PKCS#8 or PKCS#1) or a `KeyObject`. */
  privateKey: string | KeyObject;
  /** SHA-256 thumbprint of the certificate, hex (colons allowed) or base64url. Give this or `certificate`. */
  thumbprintSha256?: string;
  /** The certificate as PEM; its SHA-256 thumbprint is computed with `X509Certificate`. */
  certificate?: string;
  /** Signature algorithm of the assertion. Default `'PS256'`. */
  algorithm?: 'RS256' | 'PS256';
}

/** A federated assertion, with the time (ms since the epoch, or a Date) it stops being valid. */
export interface ClientAssertionWithExpiry {
  /** The JWT to send as `client_assertion`. */
  assertion: string;
  /** When the assertion expires; it is reused until a minute before. */
  expiresAt: number | Date;
}

/**
 * Returns the federated assertion for a token request: a JWT string (asked for again on every
 * token request) or `{ assertion, expiresAt }` (reused until shortly before `expiresAt`). It is
 * given the token endpoint, the assertion's intended audience.
 */
export type ClientAssertionCallback = (context: {
  tokenURL: string;
}) => string | ClientAssertionWithExpiry | Promise<string | ClientAssertionWithExpiry>;
