/**
 * Signing-key cache for one authority's JWKS, following Microsoft's key-rollover guidance: keys
 * reused across logins, an unknown `kid` refetches at most once per cooldown, concurrent misses
 * share one fetch, and a failed fetch keeps the last good set. The set keeps its RSA signing keys
 * only (see `readKeys`).
 */
import { MicrosoftIdTokenError, MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, send } from '../clients/http.js';
import { readKeys, signingKeyFromJwk } from './jwk.js';
import type { RawKey, SigningKey } from './jwk.js';

export { signingKeyFromJwk } from './jwk.js';
export type { JsonWebKey, SigningKey } from './jwk.js';

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

const MAX_JWKS_BODY = 512 * 1024;

/** Keys of one JWKS URL. */
export class JwksCache {
  readonly #url: string;
  readonly #timeout: number;
  readonly #cooldownMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #onKeysGone: ((kids: readonly string[]) => void) | undefined;
  /** The set's RSA signing keys that have a kid, by kid. */
  #raw = new Map<string, RawKey>();
  /** How many RSA signing keys the set holds, with or without kid. */
  #count = 0;
  /** The set's only RSA signing key when it holds exactly one and it has no kid. */
  #kidless: RawKey | undefined;
  #imported = new Map<string, SigningKey>();
  #kidlessImported: SigningKey | undefined;
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
   * undefined (a token without `kid`), the set's only RSA signing key when it holds exactly one
   * (with or without a kid of its own; keys of other types do not count).
   */
  async get(kid: string | undefined): Promise<SigningKey | undefined> {
    const now = this.#now();
    if (kid === undefined) {
      if (this.#count === 0) await this.#refresh(true);
      if (this.#count !== 1) return undefined;
      if (this.#kidless !== undefined) return (this.#kidlessImported ??= importKey(this.#kidless));
      const only = [...this.#raw.keys()][0];
      return only === undefined ? undefined : this.get(only);
    }
    if (this.#count === 0) {
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
      if (mustSucceed || this.#count === 0) throw err;
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
    for (const k of keys) if (k.kid !== undefined) next.set(k.kid, k);
    const kidless = keys.length === 1 && keys[0]?.kid === undefined ? keys[0] : undefined;
    if (JSON.stringify(kidless) !== JSON.stringify(this.#kidless))
      this.#kidlessImported = undefined;
    this.#kidless = kidless;
    this.#count = keys.length;
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

function importKey(raw: RawKey): SigningKey {
  return signingKeyFromJwk(raw.kid, raw.jwk, raw.issuer);
}
