/**
 * The options of a {@link CookieStateStore}: what each one means, their checks, and the settings
 * they resolve to (keys derived from the secret, cookie attributes, limits).
 */
import { hkdfSync } from 'node:crypto';

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
   * with `__Secure-` makes them `Secure`. Default `mslogin`.
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
}

/** What one cookie carries (JSON, then encrypted). */
/** A {@link CookieStateStore}'s options, checked and resolved. */
export interface CookieSettings {
  /** AES-256-GCM keys derived from the secrets; the first seals new cookies. */
  readonly keys: readonly Buffer[];
  /** Cookie name prefix, `<cookieName>.`. */
  readonly prefix: string;
  readonly maxAgeMs: number;
  readonly maxPending: number;
  readonly path: string;
  readonly domain: string | undefined;
  /** `Secure` attribute: forced on, forced off, or `undefined` (from the request). */
  readonly secure: boolean | undefined;
  readonly sameSite: 'Lax' | 'None';
}

const OPTIONS = new Set([
  'secret',
  'cookieName',
  'maxAgeMs',
  'maxPending',
  'path',
  'domain',
  'secure',
  'sameSite',
  'formPost',
]);
const MIN_SECRET_LENGTH = 32;
const HKDF_SALT = 'passport-microsoft-account cookie state store';
const HKDF_INFO = 'AES-256-GCM key for pending logins, v1';
/** A cookie name (an RFC 6265 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function optionError(message: string): TypeError {
  return new TypeError(`CookieStateStore option ${message}`);
}

function deriveKeys(secret: unknown): Buffer[] {
  if (secret === undefined) throw new TypeError('CookieStateStore requires a secret option');
  const list: unknown[] = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0 || list.some((s) => typeof s !== 'string'))
    throw optionError('secret must be a string or a non-empty array of strings');
  return (list as string[]).map((s) => {
    if (s.length < MIN_SECRET_LENGTH)
      throw optionError(
        `secret must be at least ${MIN_SECRET_LENGTH} characters long (use a random value such as crypto.randomBytes(32).toString('base64url'))`,
      );
    return Buffer.from(hkdfSync('sha256', s, HKDF_SALT, HKDF_INFO, 32));
  });
}

function positiveInteger(options: Partial<Record<string, unknown>>, name: string, def: number) {
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

function optionalBoolean(options: Partial<Record<string, unknown>>, name: string) {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean')
    throw optionError(`${name} must be true or false; got ${describeValue(value)}`);
  return value;
}

/**
 * Checks a {@link CookieStateStore}'s options and resolves them.
 *
 * @throws TypeError naming the option when an option is missing or invalid.
 */
export function resolveCookieOptions(options: CookieStateStoreOptions): CookieSettings {
  const given: unknown = options;
  if (given === null || typeof given !== 'object')
    throw new TypeError('CookieStateStore requires an options object with a secret');
  const o = given as Partial<Record<string, unknown>>;
  for (const name of Object.keys(o))
    if (!OPTIONS.has(name)) throw new TypeError(`CookieStateStore got an unknown option ${name}`);
  const keys = deriveKeys(o['secret']);

  const cookieName = o['cookieName'] ?? 'mslogin';
  if (typeof cookieName !== 'string' || !TOKEN.test(cookieName))
    throw optionError(
      `cookieName must be a cookie name (letters, digits and !#$%&'*+.^_\`|~-); got ${JSON.stringify(cookieName)}`,
    );
  const prefix = `${cookieName}.`;
  const maxAgeMs = positiveInteger(o, 'maxAgeMs', 10 * 60_000);
  const maxPending = positiveInteger(o, 'maxPending', 8);

  const path = o['path'] ?? '/';
  if (typeof path !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(path))
    throw optionError(
      `path must start with / and hold no spaces, semicolons or control characters; got ${JSON.stringify(path)}`,
    );
  const domain = o['domain'];
  if (domain !== undefined && (typeof domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(domain)))
    throw optionError(`domain must be a host name; got ${JSON.stringify(domain)}`);

  const formPost = optionalBoolean(o, 'formPost') === true;
  const sameSite = o['sameSite'];
  if (sameSite !== undefined && sameSite !== 'lax' && sameSite !== 'none')
    throw optionError(
      `sameSite must be lax or none (a strict cookie never comes back with Microsoft's cross-site callback); got ${JSON.stringify(sameSite)}`,
    );
  if (formPost && sameSite === 'lax')
    throw optionError(
      'sameSite must be none with formPost: true (the form_post callback is a cross-site POST, which a SameSite=Lax cookie does not reach)',
    );
  const sameSiteAttribute: 'Lax' | 'None' = formPost || sameSite === 'none' ? 'None' : 'Lax';

  let secure = optionalBoolean(o, 'secure');
  const secureName = cookieName.startsWith('__Host-') || cookieName.startsWith('__Secure-');
  if (secure === false && (sameSiteAttribute === 'None' || secureName))
    throw optionError(
      'secure cannot be false with SameSite=None or a __Host-/__Secure- cookie name (browsers drop such cookies)',
    );
  if (cookieName.startsWith('__Host-') && (path !== '/' || domain !== undefined))
    throw optionError('path must be / and domain unset for a __Host- cookie name');
  if (sameSiteAttribute === 'None' || secureName) secure = true;
  return { keys, prefix, maxAgeMs, maxPending, path, domain, secure, sameSite: sameSiteAttribute };
}
