/**
 * Signing-key cache for one authority's JWKS, following Microsoft's key-rollover guidance: keys
 * reused across logins, an unknown `kid` refetches at most once per cooldown, concurrent misses
 * share one fetch, and a failed fetch keeps the last good set.
 */
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject, webcrypto } from 'node:crypto';
import { MicrosoftIdTokenError, MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, send } from '../clients/http.js';

/** A signing key from the JWKS, with Microsoft's per-key `issuer`. */
export interface SigningKey {
  /** The key id (`kid`) tokens name in their header. */
  kid: string;
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

/** Settings of a {@link JwksCache}. */
export interface JwksCacheOptions {
  url: string;
  timeout: number;
  /** Minimum ms between refetches caused by an unknown kid. Default 5 minutes. */
  cooldownMs?: number;
  /** Age after which the set is refreshed on the next use. Default 24 hours. */
  maxAgeMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /**
   * Called after a refetch with the kids that left the set or whose key changed (a verified-token
   * cache drops what those keys verified).
   */
  onKeysGone?: (kids: readonly string[]) => void;
}

interface RawKey {
  kid: string;
  issuer?: string;
  jwk: JsonWebKey;
}

const MAX_JWKS_BODY = 512 * 1024;

/** Keys of one JWKS URL. */
export class JwksCache {
  readonly #url: string;
  readonly #timeout: number;
  readonly #cooldownMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #onKeysGone: ((kids: readonly string[]) => void) | undefined;
  #raw = new Map<string, RawKey>();
  #imported = new Map<string, SigningKey>();
  #fetchedAt = -Infinity;
  #lastMissRefetch = -Infinity;
  /** Earliest time a stale set is refetched again after a failed refresh. */
  #staleRetryAt = -Infinity;
  #inflight: Promise<void> | undefined;
  #fetches = 0;

  constructor(options: JwksCacheOptions) {
    this.#url = options.url;
    this.#timeout = options.timeout;
    this.#cooldownMs = options.cooldownMs ?? 5 * 60_000;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#onKeysGone = options.onKeysGone;
  }

  /** How many JWKS fetches this cache has started. */
  get fetchCount(): number {
    return this.#fetches;
  }

  /**
   * The key for `kid` when it is at hand without a fetch (the set is loaded, fresh, and knows the
   * kid); otherwise `undefined`, and {@link get} decides what to fetch.
   */
  peek(kid: string): SigningKey | undefined {
    if (this.#now() - this.#fetchedAt > this.#maxAgeMs) return undefined;
    const imported = this.#imported.get(kid);
    if (imported !== undefined) return imported;
    const raw = this.#raw.get(kid);
    if (raw === undefined) return undefined;
    const key = importKey(raw);
    this.#imported.set(kid, key);
    return key;
  }

  /**
   * The key for `kid`, fetching the JWKS when the cache is empty, stale, or does not know the kid
   * (at most once per cooldown). Resolves `undefined` when the kid is unknown; rejects with an
   * {@link MicrosoftIdTokenError} (`jwks_unavailable`) when no key set could ever be loaded. With `kid`
   * undefined (a token without `kid`), the only key of the set when it holds exactly one.
   */
  async get(kid: string | undefined): Promise<SigningKey | undefined> {
    const now = this.#now();
    if (kid === undefined) {
      // A token without kid: the set's only key, when it holds exactly one.
      if (this.#raw.size === 0) await this.#refresh(true);
      const only = this.#raw.size === 1 ? [...this.#raw.keys()][0] : undefined;
      return only === undefined ? undefined : this.get(only);
    }
    if (this.#raw.size === 0) {
      await this.#refresh(true);
    } else if (now - this.#fetchedAt > this.#maxAgeMs && now >= this.#staleRetryAt) {
      // While the endpoint keeps failing, retry a stale set at most once per cooldown instead of
      // making every login wait for (and load) a failing JWKS endpoint.
      this.#staleRetryAt = now + this.#cooldownMs;
      await this.#refresh(false);
    } else if (
      !this.#raw.has(kid) &&
      (this.#inflight !== undefined || now - this.#lastMissRefetch >= this.#cooldownMs)
    ) {
      // An unknown kid joins a fetch already running, or starts one at most once per cooldown.
      if (this.#inflight === undefined) this.#lastMissRefetch = now;
      await this.#refresh(false);
    }
    const raw = this.#raw.get(kid);
    if (raw === undefined) return undefined;
    let imported = this.#imported.get(kid);
    if (imported === undefined) {
      imported = importKey(raw);
      this.#imported.set(kid, imported);
    }
    return imported;
  }

  #refresh(mustSucceed: boolean): Promise<void> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight.catch((err: unknown) => {
      // Keep the last good set; only fail when there is none.
      if (mustSucceed || this.#raw.size === 0) throw err;
    });
  }

  async #load(): Promise<void> {
    this.#fetches += 1;
    let body: unknown;
    try {
      const res = await send({
        method: 'GET',
        url: this.#url,
        endpoint: 'jwks',
        headers: { accept: 'application/json' },
        timeout: this.#timeout,
        maxBytes: MAX_JWKS_BODY,
      });
      if (res.status !== 200) {
        throw new MicrosoftHttpError(
          'invalid_response',
          'jwks',
          describeURL(this.#url),
          `JWKS endpoint answered HTTP ${res.status}`,
          { status: res.status },
        );
      }
      body = parseJSON(res.body);
    } catch (cause) {
      throw new MicrosoftIdTokenError(
        'jwks_unavailable',
        `could not load signing keys from ${describeURL(this.#url)}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const keys = readKeys(body);
    if (keys === undefined) {
      throw new MicrosoftIdTokenError(
        'jwks_unavailable',
        `signing keys from ${describeURL(this.#url)} are not a JWKS with RSA keys`,
      );
    }
    const next = new Map<string, RawKey>();
    for (const k of keys) next.set(k.kid, k);
    // Keys that left the set or changed (JWK or issuer binding); imported keys of the others stay.
    const gone: string[] = [];
    for (const [kid, before] of this.#raw) {
      const after = next.get(kid);
      if (
        !after ||
        before.issuer !== after.issuer ||
        JSON.stringify(before.jwk) !== JSON.stringify(after.jwk)
      )
        gone.push(kid);
    }
    for (const kid of gone) this.#imported.delete(kid);
    this.#raw = next;
    this.#fetchedAt = this.#now();
    if (gone.length > 0) this.#onKeysGone?.(gone);
  }
}

function readKeys(body: unknown): RawKey[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  const out: RawKey[] = [];
  for (const k of keys) {
    if (k === null || typeof k !== 'object') continue;
    const jwk = k as Record<string, unknown>;
    if (
      jwk['kty'] !== 'RSA' ||
      typeof jwk['kid'] !== 'string' ||
      typeof jwk['n'] !== 'string' ||
      typeof jwk['e'] !== 'string'
    )
      continue;
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') continue;
    const raw: RawKey = { kid: jwk['kid'], jwk: { kty: 'RSA', n: jwk['n'], e: jwk['e'] } };
    if (typeof jwk['issuer'] === 'string') raw.issuer = jwk['issuer'];
    out.push(raw);
  }
  return out.length > 0 ? out : undefined;
}

function importKey(raw: RawKey): SigningKey {
  return signingKeyFromJwk(raw.kid, raw.jwk, raw.issuer);
}

/**
 * Makes the key object of one JWKS key (once per kid, by the cache); a JWK that is no RSA public
 * key throws an {@link MicrosoftIdTokenError} (`jwks_unavailable`) and fails the login that needs it.
 */
export function signingKeyFromJwk(kid: string, jwk: JsonWebKey, issuer?: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
    if (key.asymmetricKeyType !== 'rsa') throw new TypeError('not an RSA key');
  } catch (cause) {
    throw new MicrosoftIdTokenError(
      'jwks_unavailable',
      `signing key ${JSON.stringify(kid)} of the JWKS is not a valid RSA public key`,
      { cause },
    );
  }
  const out: SigningKey = {
    kid,
    key,
    modulusLength: key.asymmetricKeyDetails?.modulusLength ?? 0,
  };
  if (issuer !== undefined) out.issuer = issuer;
  return out;
}
