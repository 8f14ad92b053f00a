/**
 * Random values of a login: the PKCE code verifier and its S256 challenge (RFC 7636), the nonce
 * and the state handle.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A PKCE code verifier: 32 random bytes in base64url, 43 characters (RFC 7636 section 4.1). */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** The S256 code challenge of a verifier: `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 4.2). */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable value for `nonce` or `state`: 24 random bytes in base64url. */
export function randomValue(): string {
  return randomBytes(24).toString('base64url');
}
