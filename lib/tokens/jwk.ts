/**
 * One key set's entries as signing keys: which JWKs are RSA keys offered for RS256 signatures
 * (keys of other or unknown types, such as EC, OKP, secp256k1, Ed448, ML-DSA or a made-up `kty`,
 * keys for encryption or another algorithm, and entries that are not keys are skipped, never fatal
 * to the set), and the key object of one of them.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject, webcrypto } from 'node:crypto';
import { MicrosoftIdTokenError } from '../errors.js';

/**
 * A JSON Web Key (RFC 7517) as a key set publishes it: the members this package reads, and any
 * others. Declared here rather than taken from `node:crypto`, whose type declarations stopped
 * exporting `JsonWebKey` (`@types/node` 25).
 */
export interface JsonWebKey {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  /** RSA modulus, base64url. */
  n?: string;
  /** RSA public exponent, base64url. */
  e?: string;
  [member: string]: unknown;
}

/** A signing key from the JWKS, with Microsoft's per-key `issuer`. */
export interface SigningKey {
  /**
   * The key id (`kid`) tokens name in their header; absent for a key the set publishes without
   * one (usable only by a token without `kid`, when it is the set's only RSA signing key).
   */
  kid?: string;
  /** Microsoft's non-standard `issuer` member (may contain `{tenantid}`). */
  issuer?: string;
  /**
   * The RSA public key (RS256 is the only algorithm the verifier accepts). The key cache makes a
   * `KeyObject` once per kid; a key source may also hand over a WebCrypto `CryptoKey`.
   */
  key: KeyObject | webcrypto.CryptoKey;
  /**
   * The key's modulus length in bits, read once when the key is made (the verifier refuses keys
   * under 2048 bits); when absent, the verifier reads it from `key`.
   */
  modulusLength?: number;
}

/** An RSA signing key as the set publishes it, before its key object is made. */
export interface RawKey {
  kid?: string;
  issuer?: string;
  jwk: { kty: 'RSA'; n: string; e: string };
}

/** The set's RSA signing keys, or `undefined` when the body is no key set or holds none. */
export function readKeys(body: unknown): RawKey[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  const out: RawKey[] = [];
  for (const entry of keys) {
    const raw = rsaSigningKey(entry);
    if (raw !== undefined) out.push(raw);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The entry as an RSA key offered for RS256 signatures, or `undefined` (skipped): another `kty`, no
 * `n` or `e`, `use` other than `sig`, `alg` other than `RS256`, `key_ops` without `verify`, a
 * `kid` that is not a non-empty string.
 */
function rsaSigningKey(entry: unknown): RawKey | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const { kty, kid, n, e, use, alg, key_ops: ops, issuer } = entry as Record<string, unknown>;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') return undefined;
  if ((use !== undefined && use !== 'sig') || (alg !== undefined && alg !== 'RS256'))
    return undefined;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return undefined;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) return undefined;
  const raw: RawKey = { jwk: { kty: 'RSA', n, e } };
  if (kid !== undefined) raw.kid = kid;
  if (typeof issuer === 'string') raw.issuer = issuer;
  return raw;
}

/**
 * Makes the key object of one JWKS key (once per key, by the cache); a JWK that is no RSA public
 * key throws an {@link MicrosoftIdTokenError} (`jwks_unavailable`) and fails the login that needs it.
 * `kid` is the key's id, or `undefined` for a key published without one.
 */
export function signingKeyFromJwk(
  kid: string | undefined,
  jwk: JsonWebKey,
  issuer?: string,
): SigningKey {
  const name = kid === undefined ? 'without kid' : JSON.stringify(kid);
  let key: KeyObject;
  try {
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string')
      throw new TypeError('not an RSA key');
    key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    if (key.asymmetricKeyType !== 'rsa') throw new TypeError('not an RSA key');
  } catch (cause) {
    throw new MicrosoftIdTokenError(
      'jwks_unavailable',
      `signing key ${name} of the JWKS is not a valid RSA public key`,
      { cause },
    );
  }
  const out: SigningKey = { key, modulusLength: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  if (kid !== undefined) out.kid = kid;
  if (issuer !== undefined) out.issuer = issuer;
  return out;
}
