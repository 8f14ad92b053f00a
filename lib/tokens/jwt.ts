/**
 * The JOSE layer of an ID token, checked synchronously with node:crypto: the compact JWS in
 * canonical base64url, a JSON-object header and payload, RS256 with a 2048-bit or larger RSA key,
 * and the registered claims (aud, exp, nbf, iat). It makes the same decisions, with the same
 * MicrosoftIdTokenError codes, as jose's `jwtVerify` with `algorithms: ['RS256']`, the audience, the clock
 * tolerance and `requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat']` (a differential property
 * test keeps the two in step), and is stricter in four places: the audience must be exactly this
 * application, `iat` must not lie in the future, a header that asks for extensions or names other
 * keys (`crit`, `b64`, `jku`, `jwk`, `x5u`) is refused, and the header and payload are strict JSON
 * (a repeated member name or a number that is not finite, such as `exp: 1e400`, is `malformed`).
 */
import { KeyObject, verify as verifySignature } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { MicrosoftIdTokenError } from '../errors.js';
import { parseStrictJson } from './strict-json.js';

/** A public key that can check an ID token's signature. */
export interface VerificationKey {
  /** The RSA public key (a WebCrypto `CryptoKey` is turned into a `KeyObject` once). */
  key: KeyObject | webcrypto.CryptoKey;
  /** Its modulus length in bits (RS256 needs at least 2048); read from `key` when absent. */
  modulusLength?: number;
}

/** The decoded JOSE header, as far as the verifier reads it. */
export interface JwtHeader {
  alg?: unknown;
  kid?: unknown;
  [name: string]: unknown;
}

/** What {@link verifyJwt} checks the claims against. */
export interface JwtOptions {
  /** The one audience accepted: the application's client id. */
  audience: string;
  /** Seconds of clock skew allowed on exp, nbf and iat. */
  clockTolerance: number;
  /** Clock in ms, read once the key is at hand. */
  now: () => number;
}

/** A verified token. */
export interface VerifiedJwt<K> {
  header: JwtHeader;
  payload: Record<string, unknown>;
  /** The key that verified the signature. */
  key: K;
}

// The signature may be empty here so that an unsigned (alg none) token is refused as 'algorithm'.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Header parameters that fetch or carry keys, or ask for extensions: never honoured, so refused. */
const REFUSED_HEADER_PARAMETERS = ['crit', 'b64', 'jku', 'jwk', 'x5u'] as const;
/** Present in jose's order: a missing aud is an audience failure, the others a malformed claim set. */
const REQUIRED_CLAIMS = ['iat', 'exp', 'sub', 'iss'] as const;
const MIN_RSA_BITS = 2048;
/** Audience matching is exact (case-sensitive), as Microsoft writes the client id into `aud`. */
const AUDIENCE_MISMATCH =
  "aud is not exactly this application's client id (compared case-sensitively: write the clientID option exactly as the portal shows it)";
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Key objects of the WebCrypto keys a key source handed over. */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();

/** The key as a `KeyObject`, or `undefined` when it is neither a KeyObject nor a CryptoKey. */
function keyObjectOf(key: KeyObject | webcrypto.CryptoKey): KeyObject | undefined {
  if (key instanceof KeyObject) return key;
  let made = keyObjects.get(key);
  if (made === undefined) {
    try {
      made = KeyObject.from(key);
    } catch {
      return undefined;
    }
    keyObjects.set(key, made);
  }
  return made;
}

/**
 * Three segments of canonical base64url (RFC 7515 section 2: no padding, no whitespace, unused
 * trailing bits zero), so one token has exactly one spelling. Lenient decoders would otherwise
 * accept whitespace or altered padding bits as the same token.
 */
export function isCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  let start = 0;
  for (;;) {
    const end = token.indexOf('.', start);
    const stop = end === -1 ? token.length : end;
    const rest = (stop - start) % 4;
    if (rest === 1) return false;
    if (rest !== 0) {
      const last = B64URL.indexOf(token.charAt(stop - 1));
      if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) return false;
    }
    if (end === -1) return true;
    start = end + 1;
  }
}

/**
 * A JSON object from a canonical base64url segment (strict UTF-8, strict JSON), or throws
 * `malformed` naming the `part` (header or payload).
 */
function decodeObject(segment: string, part: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    text = '';
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok && parsed.reason !== 'not JSON')
    throw new MicrosoftIdTokenError('malformed', `the ${part} is refused: ${parsed.reason}`);
  const value = parsed.ok ? parsed.value : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MicrosoftIdTokenError('malformed', `the ${part} is not base64url of a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Verifies a compact JWS ID token: header, algorithm, `kid`, the key `keyFor` finds for it (for a
 * token without `kid`, `keyFor(undefined)`: the key set's only key, if it has exactly one), the
 * RS256 signature and the registered claims. Rejects with an {@link MicrosoftIdTokenError}; resolves with
 * the header, the payload and the key.
 */
export async function verifyJwt<K extends VerificationKey>(
  token: string,
  keyFor: (kid: string | undefined) => K | undefined | Promise<K | undefined>,
  options: JwtOptions,
): Promise<VerifiedJwt<K>> {
  if (!isCompactJws(token))
    throw new MicrosoftIdTokenError(
      'malformed',
      'not a compact JWS (three dot-separated parts in canonical base64url)',
    );
  const headerEnd = token.indexOf('.');
  const payloadEnd = token.indexOf('.', headerEnd + 1);
  const header: JwtHeader = decodeObject(token.slice(0, headerEnd), 'header');
  if (header.alg !== 'RS256')
    throw new MicrosoftIdTokenError(
      'algorithm',
      `alg ${JSON.stringify(header.alg)} is not accepted; Microsoft signs ID tokens with RS256`,
    );
  // Without a kid, the key set's only key is the key (several keys: refused).
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  if (kid === undefined && header.kid !== undefined)
    throw new MicrosoftIdTokenError('key_not_found', 'the header has an empty or non-string kid');
  const found = keyFor(kid);
  const key = found instanceof Promise ? await found : found;
  if (key === undefined)
    throw new MicrosoftIdTokenError(
      'key_not_found',
      kid === undefined
        ? "the header has no kid and the authority's JWKS holds more than one key"
        : `no signing key with kid ${JSON.stringify(kid)} in the authority's JWKS`,
    );
  for (const name of REFUSED_HEADER_PARAMETERS)
    if (Object.hasOwn(header, name))
      throw new MicrosoftIdTokenError(
        'malformed',
        `the header carries "${name}", which Microsoft ID tokens never use and this verifier does not honour`,
      );
  const keyName = kid === undefined ? "the JWKS's only key" : `key ${JSON.stringify(kid)}`;
  const keyObject = keyObjectOf(key.key);
  if (keyObject?.asymmetricKeyType !== 'rsa')
    throw new MicrosoftIdTokenError('malformed', `the signing ${keyName} is not an RSA key`);
  const bits = key.modulusLength ?? keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new MicrosoftIdTokenError(
      'malformed',
      `the signing ${keyName} has a ${bits}-bit modulus; RS256 needs ${MIN_RSA_BITS} bits or more`,
    );

  let valid: boolean;
  try {
    valid = verifySignature(
      'RSA-SHA256',
      Buffer.from(token.slice(0, payloadEnd), 'latin1'),
      keyObject,
      Buffer.from(token.slice(payloadEnd + 1), 'base64url'),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    throw new MicrosoftIdTokenError(
      'signature',
      'the signature does not verify with the signing key',
    );

  const payload = decodeObject(token.slice(headerEnd + 1, payloadEnd), 'payload');
  checkRegisteredClaims(payload, options);
  return { header, payload, key };
}

/** jose's registered-claim rules for an ID token, then this verifier's stricter audience and iat. */
function checkRegisteredClaims(payload: Record<string, unknown>, options: JwtOptions): void {
  if (!Object.hasOwn(payload, 'aud'))
    throw new MicrosoftIdTokenError('audience', AUDIENCE_MISMATCH);
  for (const claim of REQUIRED_CLAIMS)
    if (!Object.hasOwn(payload, claim))
      throw new MicrosoftIdTokenError('claims', `missing required "${claim}" claim`);
  const aud = payload['aud'];
  if (typeof aud === 'string' ? aud !== options.audience : !namesIn(aud, options.audience))
    throw new MicrosoftIdTokenError('audience', AUDIENCE_MISMATCH);

  const tolerance = options.clockTolerance;
  const now = Math.floor(options.now() / 1000);
  const iat = payload['iat'];
  if (typeof iat !== 'number')
    throw new MicrosoftIdTokenError('claims', '"iat" claim must be a number');
  const nbf = payload['nbf'];
  if (nbf !== undefined) {
    if (typeof nbf !== 'number')
      throw new MicrosoftIdTokenError('claims', '"nbf" claim must be a number');
    if (nbf > now + tolerance)
      throw new MicrosoftIdTokenError(
        'not_yet_valid',
        'nbf is in the future beyond the clock tolerance',
      );
  }
  const exp = payload['exp'];
  if (typeof exp !== 'number')
    throw new MicrosoftIdTokenError('claims', '"exp" claim must be a number');
  if (exp <= now - tolerance)
    throw new MicrosoftIdTokenError(
      'expired',
      'the token has expired (exp beyond the clock tolerance)',
    );

  // Microsoft ID tokens carry one audience: this app. An array naming other apps too is refused.
  if (aud !== options.audience) throw new MicrosoftIdTokenError('audience', AUDIENCE_MISMATCH);
  if (iat > now + tolerance)
    throw new MicrosoftIdTokenError(
      'not_yet_valid',
      'iat is in the future beyond the clock tolerance',
    );
}

function namesIn(aud: unknown, audience: string): boolean {
  return Array.isArray(aud) && aud.includes(audience);
}
