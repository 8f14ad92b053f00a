/**
 * Keeps each pending login (state handle, PKCE verifier, nonce, application state) in a cookie of
 * its own, encrypted and authenticated with AES-256-GCM, so no server-side storage is needed: any
 * instance that knows the secret can finish a login another instance started.
 */
import { randomBytes } from 'node:crypto';
import { MicrosoftStateError } from '../errors.js';
import type { MicrosoftRequest, StateStore, StateStoreMeta, StateTakeResult } from '../types.js';
import { appendSetCookie, cookieLine, cookiesWithPrefix, responseOf } from './cookie-header.js';
import { resolveCookieOptions } from './cookie-options.js';
import type { CookieSettings, CookieStateStoreOptions } from './cookie-options.js';
import { HANDLE, MAX_COOKIE_BYTES, open, seal } from './cookie-seal.js';
import type { SealedLogin } from './cookie-seal.js';
import { UsedHandles, takeThroughVerify } from './used-handles.js';

export type { CookieStateStoreOptions } from './cookie-options.js';

const FAILURE = { message: 'Unable to verify authorization request state' } as const;
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

  readonly #settings: CookieSettings;
  readonly #used = new UsedHandles();

  /**
   * @param options - see {@link CookieStateStoreOptions}; `secret` is required.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: CookieStateStoreOptions) {
    this.#settings = resolveCookieOptions(options);
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
    const settings = this.#settings;
    try {
      const res = responseOf(req);
      const now = Date.now();
      handle = randomBytes(24).toString('base64url');
      const name = `${settings.prefix}${handle}`;
      const login: SealedLogin = {
        v: verifier ?? true,
        s: state,
        t: now,
        e: now + settings.maxAgeMs,
      };
      const value = seal(settings.keys[0] as Buffer, JSON.stringify(login), name, meta);
      const size = Buffer.byteLength(`${name}=${value}`);
      if (size > CookieStateStore.MAX_COOKIE_BYTES) {
        throw new MicrosoftStateError(
          'cookie_too_large',
          `CookieStateStore cannot keep this pending login: its cookie would be ${size} bytes, over the ${MAX_COOKIE_BYTES}-byte limit; keep the state passed to passport.authenticate small (an id, not a document)`,
        );
      }
      const secure = this.#isSecure(req);
      const live: Array<{ name: string; t: number }> = [];
      for (const [other, values] of cookiesWithPrefix(req.headers.cookie, settings.prefix)) {
        const found = open(settings.keys, settings.prefix, other, values, meta);
        // A cookie this store cannot open may belong to another strategy sharing the prefix: its
        // own Max-Age ends it.
        if (found === undefined) continue;
        if (found.e <= now) appendSetCookie(res, cookieLine(settings, other, '', 0, secure));
        else live.push({ name: other, t: found.t });
      }
      live.sort((a, b) => a.t - b.t);
      while (live.length >= settings.maxPending) {
        const oldest = live.shift() as { name: string };
        appendSetCookie(res, cookieLine(settings, oldest.name, '', 0, secure));
      }
      appendSetCookie(
        res,
        cookieLine(settings, name, value, Math.ceil(settings.maxAgeMs / 1000), secure),
      );
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
   * request state' }`. Calls back a {@link MicrosoftStateError} `response_missing` when there is no response
   * to clear the cookie on.
   */
  verify(
    req: MicrosoftRequest,
    handle: string,
    meta: StateStoreMeta,
    callback: (err: Error | null, ok?: string | boolean, state?: unknown) => void,
  ): void {
    let login: SealedLogin | undefined;
    const settings = this.#settings;
    try {
      const res = responseOf(req);
      if (typeof handle === 'string' && HANDLE.test(handle)) {
        const name = `${settings.prefix}${handle}`;
        const values = cookiesWithPrefix(req.headers.cookie, settings.prefix).get(name);
        if (values !== undefined) {
          // Clear before deciding, so the browser drops it whatever the outcome.
          appendSetCookie(res, cookieLine(settings, name, '', 0, this.#isSecure(req)));
          const now = Date.now();
          const found = open(settings.keys, settings.prefix, name, values, meta);
          if (found !== undefined && found.e > now && this.#used.claim(handle, found.e, now))
            login = found;
        }
      }
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (login === undefined) callback(null, false, { ...FAILURE });
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
    if (this.#settings.secure !== undefined) return this.#settings.secure;
    const expressSecure = (req as { secure?: unknown }).secure;
    if (typeof expressSecure === 'boolean') return expressSecure;
    return (req.socket as { encrypted?: unknown } | undefined)?.encrypted === true;
  }
}
