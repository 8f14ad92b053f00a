/**
 * Verified access tokens, so that a client calling an API many times with one token pays for its
 * signature once: keyed by a SHA-256 of the token (the token itself is never kept), bounded (the
 * oldest entry leaves first), and only as good as the token's times and its signing key. A hit is
 * re-checked against the clock (`exp`, `nbf`, `iat` with the tolerance) and against the key set
 * (the key that verified it must still be the key of its kid); every entry a key verified is dropped
 * when that key leaves the key set. What the cache holds is frozen.
 */
import { hash } from 'node:crypto';
import type { MicrosoftAccessToken } from './claims.js';

/** Where a cached token's key came from: the key must still be current for a hit. */
export interface KeyHolder<K> {
  /** The key of `kid` when at hand and fresh, else `undefined`. */
  peek(kid: string): K | undefined;
}

/** One verified token. */
export interface CacheEntry<K> {
  token: MicrosoftAccessToken;
  exp: number;
  nbf: number | undefined;
  iat: number;
  kid: string;
  key: K;
  keys: KeyHolder<K>;
}

/** The cache key of a token: its SHA-256, base64. */
export function tokenHash(token: string): string {
  return hash('sha256', token, 'base64');
}

/**
 * Verified tokens by the hash of the token, in two generations: new entries go to the current one;
 * when it holds half the bound it becomes the previous one and the older entries leave together.
 * A hit in the previous generation moves up. Keeps the per-token cost to a map lookup and insert
 * (a map evicting one entry at a time pays for skipping its deleted slots).
 */
export class VerifiedTokenCache<K> {
  readonly #half: number;
  readonly #keepPrevious: boolean;
  #current = new Map<string, CacheEntry<K>>();
  #previous = new Map<string, CacheEntry<K>>();

  /** @param max - most entries kept (0: none). */
  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
    this.#keepPrevious = max >= 2;
    if (max === 0) this.#half = 0;
  }

  /** Entries held now. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /**
   * The verified token of `key` when it is still good at `nowSeconds` with `tolerance`, and the key
   * that verified it is still the key set's; otherwise `undefined` (and a stale entry is dropped).
   */
  get(key: string, nowSeconds: number, tolerance: number): MicrosoftAccessToken | undefined {
    let entry = this.#current.get(key);
    if (entry === undefined) {
      entry = this.#previous.get(key);
      if (entry === undefined) return undefined;
      this.#previous.delete(key);
      if (!this.#fresh(entry, nowSeconds, tolerance)) return undefined;
      this.set(key, entry);
      return entry.token;
    }
    if (this.#fresh(entry, nowSeconds, tolerance)) return entry.token;
    this.#current.delete(key);
    return undefined;
  }

  #fresh(entry: CacheEntry<K>, nowSeconds: number, tolerance: number): boolean {
    return !(
      entry.exp <= nowSeconds - tolerance ||
      entry.iat > nowSeconds + tolerance ||
      (entry.nbf !== undefined && entry.nbf > nowSeconds + tolerance) ||
      entry.keys.peek(entry.kid) !== entry.key
    );
  }

  /** Keeps a verified token. */
  set(key: string, entry: CacheEntry<K>): void {
    if (this.#half === 0) return;
    if (this.#current.size >= this.#half) {
      this.#previous = this.#keepPrevious ? this.#current : new Map<string, CacheEntry<K>>();
      this.#current = new Map();
    }
    this.#current.set(key, entry);
  }

  /** Drops every entry verified by one of `kids` of the key set `keys`. */
  dropKeys(keys: KeyHolder<K>, kids: readonly string[]): void {
    for (const generation of [this.#current, this.#previous])
      for (const [key, entry] of generation)
        if (entry.keys === keys && kids.includes(entry.kid)) generation.delete(key);
  }
}
