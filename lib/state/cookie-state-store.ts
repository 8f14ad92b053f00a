/**
 * Keeps each pending login (state handle, PKCE verifier, nonce, application state) in a cookie of
 * its own, encrypted and authenticated with AES-256-GCM, so no server-side storage is needed: any
 * instance that knows the secret can finish a login another instance started.
 */
import { randomBytes } from 'node:crypto';
import { MicrosoftStateError } from '../errors.js';
import { EMIT_WARNING_LOGGER } from '../log.js';
import type { MicrosoftLogger } from '../log.js';
import { appendSetCookie, cookieValues, cookiesWithPrefixes, responseOf } from './cookie-header.js';
import {
  OPTIONS,
  TOKEN,
  deriveKeys,
  optionError,
  optionalBoolean,
  positiveInteger,
} from './cookie-options.js';
import type { CookieStateStoreOptions } from './cookie-options.js';
import { HANDLE, MAX_COOKIE_BYTES, open, seal } from './cookie-seal.js';
import type { SealedLogin } from './cookie-seal.js';
import { stateFailure } from './failure.js';
import { UsedHandles, takeThroughVerify } from './used-handles.js';
import type {
  MicrosoftRequest,
  StateFailureReason,
  StateStore,
  StateStoreMeta,
  StateTakeResult,
} from '../types.js';

export type { CookieStateStoreOptions } from './cookie-options.js';

/** The prefix browsers keep for `Secure`, host-only, `Path=/` cookies. */
const HOST_PREFIX = '__Host-';

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
  static readonly MAX_COOKIE_BYTES = MAX_COOKIE_BYTES;

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
      const value = seal(this.#keys[0] as Buffer, JSON.stringify(login), name, meta);
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
        const found = open(this.#keys, other, other.slice(prefix.length), values, meta);
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
          const found = open(this.#keys, name, handle, values, meta);
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
}
