/**
 * Client credentials at the token endpoint: a client secret, a certificate (a signed
 * `client_assertion` JWT, cached for its lifetime), or a federated assertion from a callback
 * (workload identity, managed identity, GitHub OIDC). Secrets and keys never reach a message.
 */
import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { constants } from 'node:crypto';
import { optionError } from '../config/option-checks.js';
import type {
  ClientAssertionCallback,
  ClientAssertionWithExpiry,
  ClientCertificate,
} from '../types.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523). */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Lifetime of a signed certificate assertion, in seconds (Microsoft allows at most 10 minutes). */
export const ASSERTION_LIFETIME_SECONDS = 600;
/** An assertion is reused until this many seconds before it expires. */
export const ASSERTION_REUSE_MARGIN_SECONDS = 120;

/** The client-authentication fields of one token request. */
export interface ClientCredential {
  /** How the client authenticates: `secret`, `certificate` or `assertion`. */
  readonly kind: 'secret' | 'certificate' | 'assertion';
  /** The form fields (besides `client_id`) that authenticate a request to `tokenURL`. */
  fields(tokenURL: string): Promise<Record<string, string>>;
}

/** Options a credential is built from. */
export interface CredentialOptions {
  clientID: string;
  clientSecret?: string | undefined;
  clientCertificate?: ClientCertificate | undefined;
  clientAssertion?: ClientAssertionCallback | undefined;
}

interface Cached {
  assertion: string;
  /** Reuse until (ms). */
  until: number;
}

/** Assertion cache keyed by audience (the token URL, which differs per tenant). Bounded. */
class AssertionCache {
  readonly #entries = new Map<string, Cached>();

  get(aud: string, now: number): string | undefined {
    const hit = this.#entries.get(aud);
    return hit !== undefined && hit.until > now ? hit.assertion : undefined;
  }

  set(aud: string, assertion: string, until: number): void {
    if (this.#entries.size >= 64) this.#entries.clear();
    this.#entries.set(aud, { assertion, until });
  }
}

function b64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** The 32 bytes of a SHA-256 thumbprint written as hex (with or without colons) or base64url. */
export function thumbprintBytes(value: string, name: string): Buffer {
  const hex = value.replace(/[:\s]/g, '');
  let bytes: Buffer | undefined;
  if (/^[0-9a-f]+$/i.test(hex) && hex.length % 2 === 0) bytes = Buffer.from(hex, 'hex');
  else if (/^[A-Za-z0-9_-]+={0,2}$/.test(value)) bytes = Buffer.from(value, 'base64url');
  if (bytes === undefined || bytes.length !== 32) {
    throw optionError(
      `option ${name} must be a SHA-256 thumbprint (32 bytes: 64 hex digits or 43 base64url characters); got ${bytes === undefined ? 'a value that is neither' : `${bytes.length} bytes`}${bytes?.length === 20 ? ' (that is a SHA-1 thumbprint)' : ''}`,
    );
  }
  return bytes;
}

function checkedPrivateKey(value: unknown): KeyObject {
  let key: KeyObject;
  if (typeof value === 'string') {
    try {
      key = createPrivateKey(value);
    } catch {
      // The parser's message could quote the input; say only what is wrong.
      throw optionError('option clientCertificate.privateKey is not a PEM private key');
    }
  } else if (
    value !== null &&
    typeof value === 'object' &&
    (value as KeyObject).type === 'private' &&
    typeof (value as KeyObject).export === 'function'
  ) {
    key = value as KeyObject;
  } else {
    throw optionError(
      'option clientCertificate.privateKey must be a PEM string or a private KeyObject',
    );
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw optionError(
      `option clientCertificate.privateKey must be an RSA key; got ${key.asymmetricKeyType ?? 'an unknown key type'}`,
    );
  return key;
}

function certificateThumbprint(pem: unknown): Buffer {
  if (typeof pem !== 'string')
    throw optionError('option clientCertificate.certificate must be a PEM string');
  try {
    return Buffer.from(new X509Certificate(pem).fingerprint256.replace(/:/g, ''), 'hex');
  } catch {
    throw optionError('option clientCertificate.certificate is not a PEM certificate');
  }
}

/** A client credential signing RS256/PS256 assertions with a certificate's key. */
class CertificateCredential implements ClientCredential {
  readonly kind = 'certificate';
  readonly #clientID: string;
  readonly #key: KeyObject;
  readonly #x5t: string;
  readonly #alg: 'RS256' | 'PS256';
  readonly #now: () => number;
  readonly #cache = new AssertionCache();

  constructor(clientID: string, cert: ClientCertificate, now: () => number) {
    this.#clientID = clientID;
    this.#key = checkedPrivateKey(cert.privateKey);
    if (cert.thumbprintSha256 !== undefined && cert.certificate !== undefined)
      throw optionError(
        'option clientCertificate takes either thumbprintSha256 or certificate, not both',
      );
    if (cert.thumbprintSha256 !== undefined) {
      if (typeof cert.thumbprintSha256 !== 'string')
        throw optionError('option clientCertificate.thumbprintSha256 must be a string');
      this.#x5t = b64url(
        thumbprintBytes(cert.thumbprintSha256, 'clientCertificate.thumbprintSha256'),
      );
    } else if (cert.certificate !== undefined) {
      this.#x5t = b64url(certificateThumbprint(cert.certificate));
    } else {
      throw optionError(
        'option clientCertificate needs thumbprintSha256 or certificate (the SHA-256 thumbprint goes in the x5t#S256 header)',
      );
    }
    // Checked at run time too: JavaScript callers are not held to the type.
    const alg: unknown = cert.algorithm ?? 'PS256';
    if (alg !== 'RS256' && alg !== 'PS256')
      throw optionError(
        `option clientCertificate.algorithm must be "RS256" or "PS256", got ${JSON.stringify(alg)}`,
      );
    this.#alg = alg;
    this.#now = now;
  }

  fields(tokenURL: string): Promise<Record<string, string>> {
    const now = this.#now();
    let assertion = this.#cache.get(tokenURL, now);
    if (assertion === undefined) {
      assertion = this.sign(tokenURL, now);
      const until = now + (ASSERTION_LIFETIME_SECONDS - ASSERTION_REUSE_MARGIN_SECONDS) * 1000;
      this.#cache.set(tokenURL, assertion, until);
    }
    return Promise.resolve({
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: assertion,
    });
  }

  /** A fresh assertion for `aud`, issued at `nowMs`. */
  sign(aud: string, nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    const header = { alg: this.#alg, typ: 'JWT', 'x5t#S256': this.#x5t };
    const claims = {
      aud,
      iss: this.#clientID,
      sub: this.#clientID,
      jti: randomUUID(),
      nbf: iat,
      iat,
      exp: iat + ASSERTION_LIFETIME_SECONDS,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign(
      'sha256',
      Buffer.from(input),
      this.#alg === 'PS256'
        ? {
            key: this.#key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          }
        : this.#key,
    );
    return `${input}.${b64url(signature)}`;
  }
}

/** A client credential whose assertion comes from the application's callback. */
class AssertionCredential implements ClientCredential {
  readonly kind = 'assertion';
  readonly #callback: ClientAssertionCallback;
  readonly #now: () => number;
  readonly #cache = new AssertionCache();

  constructor(callback: ClientAssertionCallback, now: () => number) {
    this.#callback = callback;
    this.#now = now;
  }

  async fields(tokenURL: string): Promise<Record<string, string>> {
    let assertion = this.#cache.get(tokenURL, this.#now());
    if (assertion === undefined) {
      const result: unknown = await this.#callback({ tokenURL });
      if (typeof result === 'string') {
        assertion = result;
      } else if (
        result !== null &&
        typeof result === 'object' &&
        typeof (result as { assertion?: unknown }).assertion === 'string'
      ) {
        const given = result as ClientAssertionWithExpiry;
        assertion = given.assertion;
        const expires =
          given.expiresAt instanceof Date ? given.expiresAt.getTime() : given.expiresAt;
        if (typeof expires === 'number' && Number.isFinite(expires))
          this.#cache.set(tokenURL, assertion, expires - 60_000);
      } else {
        throw new TypeError(
          'MicrosoftStrategy option clientAssertion must return a JWT string or { assertion, expiresAt }',
        );
      }
      if (assertion === '')
        throw new TypeError('MicrosoftStrategy option clientAssertion returned an empty assertion');
    }
    return { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
  }
}

/**
 * The credential of the options: exactly one of `clientSecret`, `clientCertificate` and
 * `clientAssertion`. Throws a `TypeError` naming the option otherwise.
 */
export function resolveCredential(
  options: CredentialOptions,
  now: () => number = Date.now,
): ClientCredential {
  const given = (['clientSecret', 'clientCertificate', 'clientAssertion'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (given.length === 0)
    throw optionError(
      'requires a clientSecret option (or clientCertificate or clientAssertion instead)',
    );
  if (given.length > 1)
    throw optionError(
      `takes exactly one of clientSecret, clientCertificate and clientAssertion; got ${given.join(' and ')}`,
    );
  if (options.clientCertificate !== undefined)
    return new CertificateCredential(options.clientID, options.clientCertificate, now);
  if (options.clientAssertion !== undefined)
    return new AssertionCredential(options.clientAssertion, now);
  const fields = { client_secret: options.clientSecret ?? '' };
  return { kind: 'secret', fields: () => Promise.resolve({ ...fields }) };
}
