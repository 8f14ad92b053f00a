/**
 * The options of a {@link CookieStateStore}: what each one means, and the checks of their values
 * (the secret's length and variety, cookie names, whole numbers, booleans).
 */
import { hkdfSync } from 'node:crypto';
import type { MicrosoftLogger } from '../log.js';

/** Settings of a {@link CookieStateStore}. Only `secret` is required. */
export interface CookieStateStoreOptions {
  /**
   * Secret the cookie key is derived from (HKDF-SHA-256), at least 32 characters. An array rotates
   * secrets: new cookies are encrypted with the first, cookies made with any of them are accepted.
   * Every instance that may receive the callback needs the same secret(s). Required.
   */
  secret: string | readonly string[];
  /**
   * Prefix of the cookie names: each pending login is the cookie `<cookieName>.<state handle>`.
   * A name starting with `__Host-` makes the cookies `Secure`, host-only and `Path=/`; one starting
   * with `__Secure-` makes them `Secure`. Default `__Host-mslogin` when the callback URL is https
   * and neither `path` nor `domain` is set (so a sibling subdomain cannot plant or crowd the
   * cookies), else `mslogin`; cookies named `mslogin.<handle>` are still read.
   */
  cookieName?: string;
  /** How long a pending login stays valid, in ms (checked inside the cookie and sent as `Max-Age`). Default 10 minutes. */
  maxAgeMs?: number;
  /** Most pending logins (cookies) kept per browser; starting one more drops the oldest. Default 8. */
  maxPending?: number;
  /** `Path` of the cookies; it must cover the callback URL's path. Default `/`. */
  path?: string;
  /** `Domain` of the cookies. Default: none (a host-only cookie, the safest choice). */
  domain?: string;
  /**
   * Mark the cookies `Secure`. Default: when the request came over https (Express `req.secure`,
   * which honours `trust proxy`, else a TLS socket); always with `sameSite: 'none'` or a
   * `__Host-`/`__Secure-` name.
   */
  secure?: boolean;
  /**
   * `SameSite` of the cookies: `lax` (enough for the default `response_mode=query`, whose callback is
   * a top-level GET) or `none` (needed for `response_mode=form_post`, whose callback is a
   * cross-site POST; implies `Secure`). `strict` is refused: the callback comes from Microsoft's
   * site, and a strict cookie would never come back with it. Default `lax`, or `none` with
   * `formPost: true`.
   */
  sameSite?: 'lax' | 'none';
  /**
   * Set when logins use `responseMode: 'form_post'`: the cookies become `SameSite=None; Secure` so
   * the cross-site POST from Microsoft carries them. Default `false`.
   */
  formPost?: boolean;
  /**
   * Where the store writes its warning (an object with `warn`, such as `console` or a pino logger):
   * once, if its memory of used state handles fills with live ones. Default `process.emitWarning`.
   */
  logger?: MicrosoftLogger;
}

export const OPTIONS = new Set([
  'secret',
  'cookieName',
  'maxAgeMs',
  'maxPending',
  'path',
  'domain',
  'secure',
  'sameSite',
  'formPost',
  'logger',
]);
const MIN_SECRET_LENGTH = 32;
/** Fewest different characters a secret must have (random base64 of 32 bytes has about 30). */
const MIN_SECRET_VARIETY = 8;
/** How to make a secret, as the errors suggest it. */
const MAKE_SECRET = 'use a random value, for example the output of `openssl rand -base64 32`';
const HKDF_SALT = 'passport-microsoft-account cookie state store';
const HKDF_INFO = 'AES-256-GCM key for pending logins, v1';
/** A cookie name (an RFC 6265 token). */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function optionError(message: string): TypeError {
  return new TypeError(`CookieStateStore option ${message}`);
}

export function deriveKeys(secret: unknown): Buffer[] {
  if (secret === undefined) throw new TypeError('CookieStateStore requires a secret option');
  const list: unknown[] = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0 || list.some((s) => typeof s !== 'string'))
    throw optionError('secret must be a string or a non-empty array of strings');
  return (list as string[]).map((s) => {
    if (s.length < MIN_SECRET_LENGTH)
      throw optionError(
        `secret must be at least ${MIN_SECRET_LENGTH} characters long; ${MAKE_SECRET}`,
      );
    if (lowVariety(s))
      throw optionError(
        `secret has too little variety to be a random value (fewer than ${MIN_SECRET_VARIETY} different characters, or one short piece repeated); ${MAKE_SECRET}`,
      );
    return Buffer.from(hkdfSync('sha256', s, HKDF_SALT, HKDF_INFO, 32));
  });
}

/**
 * A secret no random generator would make: fewer than {@link MIN_SECRET_VARIETY} different
 * characters (`'a'.repeat(32)`), or a piece of up to 16 characters repeated (`'0123456789'` three
 * times and more).
 */
function lowVariety(secret: string): boolean {
  if (new Set(secret).size < MIN_SECRET_VARIETY) return true;
  for (let period = 1; period <= 16 && period * 2 <= secret.length; period++)
    if (secret.slice(period) === secret.slice(0, -period)) return true;
  return false;
}

export function positiveInteger(
  options: Partial<Record<string, unknown>>,
  name: string,
  def: number,
) {
  const value = options[name];
  if (value === undefined) return def;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw optionError(`${name} must be a positive whole number; got ${describeValue(value)}`);
  return value;
}

/** A value as an option error shows it: JSON where it can, else its type. */
function describeValue(value: unknown): string {
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined)
    return typeof value;
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
}

export function optionalBoolean(options: Partial<Record<string, unknown>>, name: string) {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean')
    throw optionError(`${name} must be true or false; got ${describeValue(value)}`);
  return value;
}
