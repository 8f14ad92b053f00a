/**
 * Keeps each pending login (state handle, PKCE verifier, nonce, application state) in a cookie of
 * its own, encrypted and authenticated with AES-256-GCM, so no server-side storage is needed: any
 * instance that knows the secret can finish a login another instance started.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { MicrosoftStateError } from '../errors.js';
import { EMIT_WARNING_LOGGER } from '../log.js';
import type { MicrosoftLogger } from '../log.js';
import { stateFailure } from './failure.js';
import { UsedHandles, takeThroughVerify } from './used-handles.js';
import type {
  MicrosoftRequest,
  StateFailureReason,
  StateStore,
  StateStoreMeta,
  StateTakeResult,
} from '../types.js';

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

/** What one cookie carries (JSON, then encrypted). */
interface SealedLogin {
  /** PKCE verifier, or `true` when PKCE is off. */
  v: string | true;
  /** What the strategy asked to keep (nonce, application state). */
  s?: unknown;
  /** Created at, ms since epoch. */
  t: number;
  /** Expires at, ms since epoch. */
  e: number;
}

/** The part of a Node/Express response the store writes to. */
interface CookieResponse {
  headersSent?: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string[]): unknown;
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
  'logger',
]);
const MIN_SECRET_LENGTH = 32;
/** Fewest different characters a secret must have (random base64 of 32 bytes has about 30). */
const MIN_SECRET_VARIETY = 8;
/** How to make a secret, as the errors suggest it. */
const MAKE_SECRET = 'use a random value, for example the output of `openssl rand -base64 32`';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'passport-microsoft-account cookie state store';
const HKDF_INFO = 'AES-256-GCM key for pending logins, v1';
/** A state handle as this store makes them: 24 random bytes, base64url. */
const HANDLE = /^[A-Za-z0-9_-]{32}$/;
/** A cookie name (an RFC 6265 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Cookies with this store's prefixes read from one request when it prunes, at most. */
const MAX_COOKIES_READ = 64;
/** Values of the one cookie a callback looks up by its exact name, read at most. */
const MAX_SAME_NAME = 8;
/** The prefix browsers keep for `Secure`, host-only, `Path=/` cookies. */
const HOST_PREFIX = '__Host-';

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

function responseOf(req: MicrosoftRequest): CookieResponse {
  const res = (req as { res?: unknown }).res as Partial<CookieResponse> | null | undefined;
  if (
    res === null ||
    typeof res !== 'object' ||
    typeof res.getHeader !== 'function' ||
    typeof res.setHeader !== 'function'
  ) {
    throw new MicrosoftStateError(
      'response_missing',
      'CookieStateStore keeps the pending login in a cookie, but req.res is missing: use Express (which sets req.res), or set req.res to the response before passport.authenticate',
    );
  }
  if (res.headersSent === true) {
    throw new MicrosoftStateError(
      'response_missing',
      'CookieStateStore cannot set its cookie: the response headers were already sent',
    );
  }
  return res as CookieResponse;
}

function appendSetCookie(res: CookieResponse, line: string): void {
  const previous = res.getHeader('Set-Cookie');
  const list: string[] = Array.isArray(previous)
    ? previous.filter((v): v is string => typeof v === 'string')
    : typeof previous === 'string' || typeof previous === 'number'
      ? [String(previous)]
      : [];
  res.setHeader('Set-Cookie', [...list, line]);
}

/** The `Cookie` header's `name=value` pairs (an HTTP/2 array joined), or none. */
function cookiePairs(header: unknown): string[] {
  const text = Array.isArray(header) ? header.join('; ') : header;
  return typeof text === 'string' ? text.split(';') : [];
}

/** The value of one `name=value` pair, unquoted. */
function valueOf(pair: string, eq: number): string {
  const value = pair.slice(eq + 1).trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/**
 * The request's cookies whose names start with one of `prefixes`, each name with its prefix and
 * all its values; at most {@link MAX_COOKIES_READ} of them.
 */
function cookiesWithPrefixes(
  header: unknown,
  prefixes: readonly string[],
): Map<string, { prefix: string; values: string[] }> {
  const found = new Map<string, { prefix: string; values: string[] }>();
  let count = 0;
  for (const pair of cookiePairs(header)) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    if (++count > MAX_COOKIES_READ) break;
    const entry = found.get(name);
    if (entry) entry.values.push(valueOf(pair, eq));
    else found.set(name, { prefix, values: [valueOf(pair, eq)] });
  }
  return found;
}

/**
 * The values of the cookie named exactly `name` (several when cookies of other paths or domains
 * share it), at most {@link MAX_SAME_NAME}; other cookies, however many, cannot hide it.
 */
function cookieValues(header: unknown, name: string): string[] {
  const values: string[] = [];
  for (const pair of cookiePairs(header)) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    values.push(valueOf(pair, eq));
    if (values.length >= MAX_SAME_NAME) break;
  }
  return values;
}

function isSealedLogin(value: unknown): value is SealedLogin {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<SealedLogin>;
  return (
    (v.v === true || typeof v.v === 'string') &&
    typeof v.t === 'number' &&
    typeof v.e === 'number' &&
    Number.isFinite(v.e)
  );
}

/**
 * A stateless state store: each pending login travels in its own cookie, encrypted and
 * authenticated with AES-256-GCM under a key derived from `secret`, and bound (as additional
 * authenticated data) to its cookie name, its state handle, the client ID and the authorize
 * endpoint. No session middleware is needed, and a login started on one instance finishes on any
 * other that has the same secret, which suits several instances, serverless functions and apps
 * without sessions.
 *
 * Each cookie is `HttpOnly`, expires after `maxAgeMs` (checked inside the cookie too), and is
 * cleared (`Max-Age=0`) by the callback that uses it or finds it invalid. A handle this store has
 * accepted is refused again within the same process; a replay of a captured cookie and callback
 * on another instance still fails at Microsoft, which redeems an authorization code only once.
 * The pending login is serialized as JSON, so the application `state` passed to
 * `passport.authenticate` must be JSON and small: a cookie over
 * {@link CookieStateStore.MAX_COOKIE_BYTES} is refused with a {@link MicrosoftStateError}
 * `cookie_too_large`.
 *
 * The store reads `req.headers.cookie` and writes `Set-Cookie` on `req.res` (Express sets it);
 * without a response it calls back a {@link MicrosoftStateError} `response_missing`.
 *
 * @example
 * ```ts
 * import passport from 'passport';
 * import { CookieStateStore, Strategy } from 'passport-microsoft-account';
 *
 * passport.use(new Strategy({
 *   clientID: process.env.MICROSOFT_CLIENT_ID ?? '',
 *   clientSecret: process.env.MICROSOFT_CLIENT_SECRET ?? '',
 *   callbackURL: 'https://app.example.com/login/callback',
 *   store: new CookieStateStore({ secret: process.env.LOGIN_COOKIE_SECRET ?? '' }),
 * }, (accessToken, refreshToken, profile, done) => {
 *   done(null, { id: profile.id, tenantId: profile.tenantId });
 * }));
 * ```
 */
export class CookieStateStore implements StateStore {
  /** Largest `name=value` the store sets, in bytes (browsers keep up to about 4096 per cookie). */
  static readonly MAX_COOKIE_BYTES = 3584;

  readonly #keys: readonly Buffer[];
  /** Prefix of the cookie names (`<cookieName>.`); over https the host prefix replaces it. */
  readonly #prefix: string;
  /** `__Host-<cookieName>.`, used when the callback URL is https; undefined when options forbid it. */
  readonly #hostPrefix: string | undefined;
  readonly #maxAgeMs: number;
  readonly #maxPending: number;
  readonly #path: string;
  readonly #domain: string | undefined;
  readonly #secure: boolean | undefined;
  readonly #sameSite: 'Lax' | 'None';
  readonly #used: UsedHandles;

  /**
   * @param options - see {@link CookieStateStoreOptions}; `secret` is required.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: CookieStateStoreOptions) {
    const given: unknown = options;
    if (given === null || typeof given !== 'object')
      throw new TypeError('CookieStateStore requires an options object with a secret');
    const o = given as Partial<Record<string, unknown>>;
    for (const name of Object.keys(o))
      if (!OPTIONS.has(name)) throw new TypeError(`CookieStateStore got an unknown option ${name}`);
    this.#keys = deriveKeys(o['secret']);
    const logger = o['logger'] ?? EMIT_WARNING_LOGGER;
    if (typeof (logger as Partial<MicrosoftLogger> | null)?.warn !== 'function')
      throw optionError('logger must be an object with a warn(message) method');
    this.#used = new UsedHandles({ logger: logger as MicrosoftLogger });

    const cookieName = o['cookieName'] ?? 'mslogin';
    if (typeof cookieName !== 'string' || !TOKEN.test(cookieName))
      throw optionError(
        `cookieName must be a cookie name (letters, digits and !#$%&'*+.^_\`|~-); got ${JSON.stringify(cookieName)}`,
      );
    this.#prefix = `${cookieName}.`;
    // The host prefix needs Path=/ and no Domain, and a chosen name is kept as it is.
    const placed = ['cookieName', 'path', 'domain'].some((name) => o[name] !== undefined);
    this.#hostPrefix = placed ? undefined : `${HOST_PREFIX}${cookieName}.`;
    this.#maxAgeMs = positiveInteger(o, 'maxAgeMs', 10 * 60_000);
    this.#maxPending = positiveInteger(o, 'maxPending', 8);

    const path = o['path'] ?? '/';
    if (typeof path !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(path))
      throw optionError(
        `path must start with / and hold no spaces, semicolons or control characters; got ${JSON.stringify(path)}`,
      );
    this.#path = path;
    const domain = o['domain'];
    if (domain !== undefined && (typeof domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(domain)))
      throw optionError(`domain must be a host name; got ${JSON.stringify(domain)}`);
    this.#domain = domain;

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
    this.#sameSite = formPost || sameSite === 'none' ? 'None' : 'Lax';

    let secure = optionalBoolean(o, 'secure');
    const secureName = cookieName.startsWith('__Host-') || cookieName.startsWith('__Secure-');
    if (secure === false && (this.#sameSite === 'None' || secureName))
      throw optionError(
        'secure cannot be false with SameSite=None or a __Host-/__Secure- cookie name (browsers drop such cookies)',
      );
    if (cookieName.startsWith('__Host-') && (path !== '/' || domain !== undefined))
      throw optionError('path must be / and domain unset for a __Host- cookie name');
    if (this.#sameSite === 'None' || secureName) secure = true;
    this.#secure = secure;
  }

  /**
   * Seals a pending login into a new cookie (set on `req.res`) and calls back with its handle, sent
   * to Microsoft as `state`. Clears expired pending logins and, beyond `maxPending`, the oldest.
   * Calls back a {@link MicrosoftStateError} when there is no response to set the cookie on
   * (`response_missing`) or the cookie would be too large (`cookie_too_large`).
   */
  store(
    req: MicrosoftRequest,
    verifier: string | undefined,
    state: unknown,
    meta: StateStoreMeta,
    callback: (err: Error | null, handle?: string) => void,
  ): void {
    let handle: string;
    try {
      const res = responseOf(req);
      const now = Date.now();
      handle = randomBytes(24).toString('base64url');
      const prefixes = this.#prefixes(meta);
      const name = `${prefixes[0]}${handle}`;
      const login: SealedLogin = { v: verifier ?? true, s: state, t: now, e: now + this.#maxAgeMs };
      const value = this.#seal(JSON.stringify(login), name, meta);
      const size = Buffer.byteLength(`${name}=${value}`);
      if (size > CookieStateStore.MAX_COOKIE_BYTES) {
        throw new MicrosoftStateError(
          'cookie_too_large',
          `CookieStateStore cannot keep this pending login: its cookie would be ${size} bytes, over the ${CookieStateStore.MAX_COOKIE_BYTES}-byte limit; keep the state passed to passport.authenticate small (an id, not a document)`,
        );
      }
      const secure = this.#isSecure(req);
      const live: Array<{ name: string; t: number }> = [];
      for (const [other, { prefix, values }] of cookiesWithPrefixes(req.headers.cookie, prefixes)) {
        const found = this.#open(other, other.slice(prefix.length), values, meta);
        // A cookie this store cannot open may belong to another strategy sharing the prefix: its
        // own Max-Age ends it.
        if (found === undefined) continue;
        if (found.e <= now) appendSetCookie(res, this.#cookie(other, '', 0, secure));
        else live.push({ name: other, t: found.t });
      }
      live.sort((a, b) => a.t - b.t);
      while (live.length >= this.#maxPending) {
        const oldest = live.shift() as { name: string };
        appendSetCookie(res, this.#cookie(oldest.name, '', 0, secure));
      }
      appendSetCookie(res, this.#cookie(name, value, Math.ceil(this.#maxAgeMs / 1000), secure));
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    callback(null, handle);
  }

  /**
   * Opens and consumes the pending login for `handle`: clears its cookie and calls back with `ok` =
   * the PKCE verifier (or `true`) and the saved state. A missing, tampered, expired, already used
   * or foreign cookie calls back `ok` = false and `{ message: 'Unable to verify authorization
   * request state: …', reason }` ({@link StateFailureReason}: `cookie_missing` when the login's
   * cookie did not come back). Calls back a {@link MicrosoftStateError} `response_missing` when there is no response
   * to clear the cookie on.
   */
  verify(
    req: MicrosoftRequest,
    handle: string,
    meta: StateStoreMeta,
    callback: (err: Error | null, ok?: string | boolean, state?: unknown) => void,
  ): void {
    let login: SealedLogin | undefined;
    let reason: StateFailureReason = handle ? 'no_pending_login' : 'state_missing';
    try {
      const res = responseOf(req);
      if (typeof handle === 'string' && HANDLE.test(handle)) {
        // By exact name, the current one first: junk cookies cannot push it out of reach.
        reason = 'cookie_missing';
        for (const prefix of this.#prefixes(meta)) {
          const name = `${prefix}${handle}`;
          const values = cookieValues(req.headers.cookie, name);
          if (values.length === 0) continue;
          // Clear before deciding, so the browser drops it whatever the outcome.
          appendSetCookie(res, this.#cookie(name, '', 0, this.#isSecure(req)));
          const now = Date.now();
          const found = this.#open(name, handle, values, meta);
          if (found === undefined) reason = 'no_pending_login';
          else if (found.e <= now) reason = 'expired';
          else if (this.#used.claim(handle, found.e, now)) login = found;
          else reason = 'no_pending_login';
          break;
        }
      }
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (login === undefined) callback(null, false, stateFailure(reason));
    else callback(null, login.v, login.s);
  }

  /**
   * {@link CookieStateStore.verify} as a promise. It is atomic within one process (a consumed
   * handle is remembered until it expires), so of concurrent callbacks with the same cookie
   * exactly one gets the pending login.
   */
  take(req: MicrosoftRequest, handle: string, meta: StateStoreMeta): Promise<StateTakeResult> {
    return takeThroughVerify(this, req, handle, meta);
  }

  #isSecure(req: MicrosoftRequest): boolean {
    if (this.#secure !== undefined) return this.#secure;
    const expressSecure = (req as { secure?: unknown }).secure;
    if (typeof expressSecure === 'boolean') return expressSecure;
    return (req.socket as { encrypted?: unknown } | undefined)?.encrypted === true;
  }

  /**
   * The cookie-name prefixes of a login with this callback URL, the one new cookies get first:
   * over https (unless options placed the cookies) `__Host-<cookieName>.` and then the older
   * `<cookieName>.`, still read; else `<cookieName>.` alone.
   */
  #prefixes(meta: StateStoreMeta): readonly string[] {
    const url = meta.callbackURL;
    return this.#hostPrefix !== undefined &&
      typeof url === 'string' &&
      url.slice(0, 6).toLowerCase() === 'https:'
      ? [this.#hostPrefix, this.#prefix]
      : [this.#prefix];
  }

  #cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
    let line = `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=${this.#path}`;
    if (this.#domain !== undefined) line += `; Domain=${this.#domain}`;
    line += `; HttpOnly; SameSite=${this.#sameSite}`;
    // A __Host- cookie is kept by browsers only with Secure.
    if (secure || name.startsWith(HOST_PREFIX)) line += '; Secure';
    return line;
  }

  #aad(name: string, meta: StateStoreMeta): Buffer {
    return Buffer.from(`${VERSION}\n${name}\n${meta.clientID}\n${meta.authorizationURL}`, 'utf8');
  }

  #seal(plaintext: string, name: string, meta: StateStoreMeta): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(this.#aad(name, meta));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]).toString(
      'base64url',
    );
  }

  /** The first of `values` that opens with one of the keys, or undefined. Never throws. */
  #open(
    name: string,
    handle: string,
    values: readonly string[],
    meta: StateStoreMeta,
  ): SealedLogin | undefined {
    if (!HANDLE.test(handle)) return undefined;
    const aad = this.#aad(name, meta);
    for (const value of values) {
      if (
        Buffer.byteLength(`${name}=${value}`) > CookieStateStore.MAX_COOKIE_BYTES ||
        !/^[A-Za-z0-9_-]+$/.test(value)
      )
        continue;
      const bytes = Buffer.from(value, 'base64url');
      if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) continue;
      const iv = bytes.subarray(1, 1 + IV_BYTES);
      const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const ciphertext = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
      for (const key of this.#keys) {
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
}
