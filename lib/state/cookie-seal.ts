/**
 * The sealed pending login of a {@link CookieStateStore}: AES-256-GCM with a random IV, bound (as
 * additional authenticated data) to the cookie name, the client ID and the authorize endpoint.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StateStoreMeta } from '../types.js';

/** What one cookie carries (JSON, then encrypted). */
export interface SealedLogin {
  /** PKCE verifier, or `true` when PKCE is off. */
  v: string | true;
  /** What the strategy asked to keep (nonce, application state). */
  s?: unknown;
  /** Created at, ms since epoch. */
  t: number;
  /** Expires at, ms since epoch. */
  e: number;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Largest `name=value` the store sets, in bytes (browsers keep up to about 4096 per cookie). */
export const MAX_COOKIE_BYTES = 3584;
/** A state handle as this store makes them: 24 random bytes, base64url. */
export const HANDLE = /^[A-Za-z0-9_-]{32}$/;

export function isSealedLogin(value: unknown): value is SealedLogin {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<SealedLogin>;
  return (
    (v.v === true || typeof v.v === 'string') &&
    typeof v.t === 'number' &&
    typeof v.e === 'number' &&
    Number.isFinite(v.e)
  );
}

/** The additional authenticated data of a cookie: its name, the client ID and authorize endpoint. */
function additionalData(name: string, meta: StateStoreMeta): Buffer {
  return Buffer.from(`${VERSION}\n${name}\n${meta.clientID}\n${meta.authorizationURL}`, 'utf8');
}

/** `plaintext` encrypted under `key` for the cookie `name`, as the cookie value. */
export function seal(key: Buffer, plaintext: string, name: string, meta: StateStoreMeta): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(additionalData(name, meta));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]).toString(
    'base64url',
  );
}

/** The first of `values` that opens with one of `keys`, or undefined. Never throws. */
export function open(
  keys: readonly Buffer[],
  name: string,
  handle: string,
  values: readonly string[],
  meta: StateStoreMeta,
): SealedLogin | undefined {
  if (!HANDLE.test(handle)) return undefined;
  const aad = additionalData(name, meta);
  for (const value of values) {
    if (Buffer.byteLength(`${name}=${value}`) > MAX_COOKIE_BYTES || !/^[A-Za-z0-9_-]+$/.test(value))
      continue;
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) continue;
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
    for (const key of keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
        const parsed: unknown = JSON.parse(plaintext.toString('utf8'));
        if (isSealedLogin(parsed)) return parsed;
      } catch {
        // Wrong key, tampered bytes or bad JSON: try the next key.
      }
    }
  }
  return undefined;
}
