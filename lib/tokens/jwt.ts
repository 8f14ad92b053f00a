/**
 * The JOSE layer of Microsoft's tokens (ID tokens and access tokens), checked synchronously with
 * node:crypto: the compact JWS in canonical base64url, a JSON-object header and payload, RS256 with
 * a 2048-bit or larger RSA key, and the registered claims (aud, exp, nbf, iat). It makes the same
 * decisions, with the same error codes, as jose's `jwtVerify` with `algorithms: ['RS256']`, the
 * audience, the clock tolerance and `requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat']`
 * (differential property tests keep the two in step), and is stricter in four places: the
 * audience must be exactly one accepted string, `iat` must not lie in the future, a header that
 * asks for extensions or names other keys (`crit`, `b64`, `jku`, `jwk`, `x5u`) is refused, and the
 * header and payload are strict JSON (a repeated member name or a number that is not finite, such
 * as `exp: 1e400`, is `malformed`).
 *
 * The steps are exported one by one so that the access-token verifier can look at the unverified
 * token (a Graph token, the token version) before it picks a key, and stay synchronous once the
 * key is at hand; {@link verifyJwt} runs them in order for ID tokens.
 */
import { KeyObject, verify as verifySignature } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { MicrosoftIdTokenError } from '../errors.js';
import { parseStrictJson } from './strict-json.js';

/** A public key that can check a token's signature. */
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

/** Codes the JOSE layer fails with; both token error classes have them. */
export type JwtErrorCode =
  | 'malformed'
  | 'algorithm'
  | 'key_not_found'
  | 'signature'
  | 'claims'
  | 'audience'
  | 'expired'
  | 'not_yet_valid';

/** Makes the error of a failed check (the token type's error class). */
export type JwtFailure = (code: JwtErrorCode, message: string) => Error;

/** What {@link checkRegisteredClaims} checks the claims against. */
export interface JwtOptions {
  /** The accepted audiences: `aud` must be exactly one of them. */
  audience: string | readonly string[];
  /** Message of an audience failure (default: names the application's client id). */
  audienceMismatch?: string;
  /** Seconds of clock skew allowed on exp, nbf and iat. */
  clockTolerance: number;
  /** Clock in ms, read once the key is at hand. */
  now: () => number;
  /** The error of a failed check (default {@link MicrosoftIdTokenError}). */
  fail?: JwtFailure;
}

/** A verified token. */
export interface VerifiedJwt<K> {
  header: JwtHeader;
  payload: Record<string, unknown>;
  /** The key that verified the signature. */
  key: K;
}

/** A token split into its parts, with its header decoded (nothing verified yet). */
export interface SplitJwt {
  token: string;
  header: JwtHeader;
  /** Index of the first dot. */
  headerEnd: number;
  /** Index of the second dot (the signing input ends here). */
  payloadEnd: number;
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
/** Key objects of the WebCrypto keys a key source handed over. */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();
const idTokenFailure: JwtFailure = (code, message) => new MicrosoftIdTokenError(code, message);

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON object from a canonical base64url segment (strict UTF-8, strict JSON), or `undefined`
 * when it is not one; JSON with a repeated member name or a number that is not finite fails
 * `malformed` naming the `part` (header or payload).
 */
function decodeObject(
  segment: string,
  part: 'header' | 'payload',
  fail: JwtFailure,
): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    return undefined;
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok && parsed.reason !== 'not JSON')
    throw fail('malformed', `the ${part} is refused: ${parsed.reason}`);
  const value = parsed.ok ? parsed.value : undefined;
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Splits a compact JWS and decodes its header; fails `malformed` when it is neither. */
export function splitJwt(token: string, fail: JwtFailure = idTokenFailure): SplitJwt {
  if (!isCompactJws(token))
    throw fail('malformed', 'not a compact JWS (three dot-separated parts in canonical base64url)');
  const headerEnd = token.indexOf('.');
  const payloadEnd = token.indexOf('.', headerEnd + 1);
  const header: JwtHeader | undefined = decodeObject(token.slice(0, headerEnd), 'header', fail);
  if (header === undefined) throw fail('malformed', 'the header is not base64url of a JSON object');
  return { token, header, headerEnd, payloadEnd };
}

/** The payload as a JSON object, or `undefined` (not yet verified, so not yet an error). */
export function decodePayload(
  jwt: SplitJwt,
  fail: JwtFailure = idTokenFailure,
): Record<string, unknown> | undefined {
  return decodeObject(jwt.token.slice(jwt.headerEnd + 1, jwt.payloadEnd), 'payload', fail);
}

/**
 * Checks `alg` (RS256 only) and returns the `kid` that names the signing key (`undefined` for a
 * token without one: the key set's only key is then the key).
 */
export function signingKeyId(jwt: SplitJwt, fail: JwtFailure = idTokenFailure): string | undefined {
  const { header } = jwt;
  if (header.alg !== 'RS256')
    throw fail(
      'algorithm',
      `alg ${JSON.stringify(header.alg)} is not accepted; Microsoft signs its tokens with RS256`,
    );
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  if (kid === undefined && header.kid !== undefined)
    throw fail('key_not_found', 'the header has an empty or non-string kid');
  return kid;
}

/** The failure of a kid the key set does not hold. */
export function keyNotFound(kid: string | undefined, fail: JwtFailure = idTokenFailure): Error {
  return fail(
    'key_not_found',
    kid === undefined
      ? "the header has no kid and the authority's JWKS holds more than one key"
      : `no signing key with kid ${JSON.stringify(kid)} in the authority's JWKS`,
  );
}

/**
 * Refuses header parameters this verifier never honours, checks that the key is an RSA key of at
 * least 2048 bits, and verifies the RS256 signature, synchronously.
 */
export function checkSignature(
  jwt: SplitJwt,
  kid: string | undefined,
  key: VerificationKey,
  fail: JwtFailure = idTokenFailure,
): void {
  const { header, token, payloadEnd } = jwt;
  for (const name of REFUSED_HEADER_PARAMETERS)
    if (Object.hasOwn(header, name))
      throw fail(
        'malformed',
        `the header carries "${name}", which Microsoft's tokens never use and this verifier does not honour`,
      );
  const keyName = kid === undefined ? "the JWKS's only key" : `key ${JSON.stringify(kid)}`;
  const keyObject = keyObjectOf(key.key);
  if (keyObject?.asymmetricKeyType !== 'rsa')
    throw fail('malformed', `the signing ${keyName} is not an RSA key`);
  const bits = key.modulusLength ?? keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw fail(
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
  if (!valid) throw fail('signature', 'the signature does not verify with the signing key');
}

/**
 * Verifies a compact JWS ID token: header, algorithm, `kid`, the key `keyFor` finds for it (for a
 * token without `kid`, `keyFor(undefined)`: the key set's only key, if it has exactly one), the
 * RS256 signature and the registered claims. Rejects with an {@link MicrosoftIdTokenError};
 * resolves with the header, the payload and the key.
 */
export async function verifyJwt<K extends VerificationKey>(
  token: string,
  keyFor: (kid: string | undefined) => K | undefined | Promise<K | undefined>,
  options: JwtOptions,
): Promise<VerifiedJwt<K>> {
  const fail = options.fail ?? idTokenFailure;
  const jwt = splitJwt(token, fail);
  const kid = signingKeyId(jwt, fail);
  const found = keyFor(kid);
  const key = found instanceof Promise ? await found : found;
  if (key === undefined) throw keyNotFound(kid, fail);
  checkSignature(jwt, kid, key, fail);
  const payload = decodePayload(jwt, fail);
  if (payload === undefined)
    throw fail('malformed', 'the payload is not base64url of a JSON object');
  checkRegisteredClaims(payload, options);
  return { header: jwt.header, payload, key };
}

function audienceMatches(aud: string, audience: string | readonly string[]): boolean {
  return typeof audience === 'string' ? aud === audience : audience.includes(aud);
}

/**
 * jose's registered-claim rules (aud present and accepted, iat/exp/sub/iss present, nbf, exp),
 * then this verifier's stricter audience (one string, exactly accepted) and iat (not ahead).
 */
export function checkRegisteredClaims(payload: Record<string, unknown>, options: JwtOptions): void {
  const fail = options.fail ?? idTokenFailure;
  const mismatch = options.audienceMismatch ?? AUDIENCE_MISMATCH;
  const audience = options.audience;
  if (!Object.hasOwn(payload, 'aud')) throw fail('audience', mismatch);
  for (const claim of REQUIRED_CLAIMS)
    if (!Object.hasOwn(payload, claim)) throw fail('claims', `missing required "${claim}" claim`);
  const aud = payload['aud'];
  if (
    typeof aud === 'string'
      ? !audienceMatches(aud, audience)
      : !(
          Array.isArray(aud) &&
          aud.some((a) => typeof a === 'string' && audienceMatches(a, audience))
        )
  )
    throw fail('audience', mismatch);

  const tolerance = options.clockTolerance;
  const now = Math.floor(options.now() / 1000);
  const iat = payload['iat'];
  if (typeof iat !== 'number') throw fail('claims', '"iat" claim must be a number');
  const nbf = payload['nbf'];
  if (nbf !== undefined) {
    if (typeof nbf !== 'number') throw fail('claims', '"nbf" claim must be a number');
    if (nbf > now + tolerance)
      throw fail('not_yet_valid', 'nbf is in the future beyond the clock tolerance');
  }
  const exp = payload['exp'];
  if (typeof exp !== 'number') throw fail('claims', '"exp" claim must be a number');
  if (exp <= now - tolerance)
    throw fail('expired', 'the token has expired (exp beyond the clock tolerance)');

  // Microsoft's tokens carry one audience. An array naming other applications too is refused.
  if (typeof aud !== 'string') throw fail('audience', mismatch);
  if (iat > now + tolerance)
    throw fail('not_yet_valid', 'iat is in the future beyond the clock tolerance');
}
