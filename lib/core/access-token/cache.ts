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

/** Verified tokens by the hash of the token. */
export class VerifiedTokenCache<K> {
  readonly #max: number;
  readonly #entries = new Map<string, CacheEntry<K>>();

  /** @param max - most entries kept (0: none). */
  constructor(max: number) {
    this.#max = max;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The verified token of `key` when it is still good at `nowSeconds` with `tolerance`, and the key
   * that verified it is still the key set's; otherwise `undefined` (and a stale entry is dropped).
   */
  get(key: string, nowSeconds: number, tolerance: number): MicrosoftAccessToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (
      entry.exp <= nowSeconds - tolerance ||
      entry.iat > nowSeconds + tolerance ||
      (entry.nbf !== undefined && entry.nbf > nowSeconds + tolerance) ||
      entry.keys.peek(entry.kid) !== entry.key
    ) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** Keeps a verified token; the oldest entry leaves when the cache is full. */
  set(key: string, entry: CacheEntry<K>): void {
    if (this.#max === 0) return;
    if (this.#entries.size >= this.#max && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }

  /** Drops every entry verified by one of `kids` of the key set `keys`. */
  dropKeys(keys: KeyHolder<K>, kids: readonly string[]): void {
    for (const [key, entry] of this.#entries)
      if (entry.keys === keys && kids.includes(entry.kid)) this.#entries.delete(key);
  }
}
