/**
 * Keeps each pending login (state handle, PKCE verifier, nonce, application state) in the session.
 * Several logins may be pending at once (several tabs); each entry is single use and expires.
 */
import { randomBytes } from 'node:crypto';
import { MicrosoftStateError } from '../errors.js';
import type { MicrosoftLogger } from '../log.js';
import { hasCookies, stateFailure } from './failure.js';
import { UsedHandles, takeThroughVerify } from './used-handles.js';
import type {
  MicrosoftRequest,
  StateFailureReason,
  StateStore,
  StateStoreMeta,
  StateTakeResult,
} from '../types.js';

/** Settings of a {@link SessionStateStore}. */
export interface SessionStateStoreOptions {
  /** Session key under which pending logins are kept. */
  key: string;
  /** How long a pending login stays valid, in ms. Default 10 minutes (Microsoft's code lifetime). */
  maxAgeMs?: number;
  /** Most pending logins kept per session; the oldest is dropped. Default 8. */
  maxPending?: number;
  /** Where the one warning of a full memory of used handles goes. Default `process.emitWarning`. */
  logger?: MicrosoftLogger;
}

interface PendingLogin {
  /** PKCE verifier, or `true` when PKCE is off. */
  v: string | true;
  /** What the strategy asked to keep (nonce, application state). */
  s: unknown;
  /** Created at, ms since epoch. */
  t: number;
}

type Bag = Record<string, PendingLogin>;

function sessionOf(req: MicrosoftRequest): Record<string, unknown> {
  const session = (req as { session?: unknown }).session;
  if (session === null || typeof session !== 'object') {
    throw new MicrosoftStateError(
      'session_missing',
      'Microsoft sign-in keeps its state in the session, but req.session is missing: add session middleware (e.g. express-session) before passport, or pass state: false',
    );
  }
  return session as Record<string, unknown>;
}

/**
 * The default store: session based, PKCE aware, one-time handles. Implements passport-oauth2's
 * 5-argument store interface, so it also works with the base class.
 */
export class SessionStateStore implements StateStore {
  readonly #key: string;
  readonly #maxAgeMs: number;
  readonly #maxPending: number;
  /** Handles consumed in this process, so a replayed callback finds its handle used. */
  readonly #used: UsedHandles;

  constructor(options: SessionStateStoreOptions) {
    this.#key = options.key;
    this.#used = new UsedHandles(options.logger ? { logger: options.logger } : {});
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.#maxPending = options.maxPending ?? 8;
  }

  /** Saves a pending login and calls back with its handle (sent to Microsoft as `state`). */
  store(
    req: MicrosoftRequest,
    verifier: string | undefined,
    state: unknown,
    _meta: StateStoreMeta,
    callback: (err: Error | null, handle?: string) => void,
  ): void {
    let session: Record<string, unknown>;
    try {
      session = sessionOf(req);
    } catch (err) {
      callback(err as Error);
      return;
    }
    const now = Date.now();
    const bag = this.#prune(session[this.#key], now);
    const handle = randomBytes(24).toString('base64url');
    bag[handle] = { v: verifier ?? true, s: state, t: now };
    const handles = Object.keys(bag);
    while (handles.length > this.#maxPending) {
      const oldest = handles.shift() as string;
      delete bag[oldest];
    }
    session[this.#key] = bag;
    callback(null, handle);
  }

  /**
   * Looks up and consumes the pending login for `handle`. Calls back with `ok` = the PKCE verifier
   * (or `true`) and the saved state, or `ok` = false and the fail info `{ message, reason }`
   * ({@link StateFailureReason}: `cookie_missing` when the request has no cookies at all).
   */
  verify(
    req: MicrosoftRequest,
    handle: string,
    _meta: StateStoreMeta,
    callback: (err: Error | null, ok?: string | boolean, state?: unknown) => void,
  ): void {
    let session: Record<string, unknown>;
    try {
      session = sessionOf(req);
    } catch (err) {
      callback(err as Error);
      return;
    }
    const now = Date.now();
    // Consume before deciding, so a replayed callback finds nothing.
    const { bag, size, entry, key, expired } = this.#pruneAndTake(session[this.#key], now, handle);
    if (size === 0) delete session[this.#key];
    else session[this.#key] = bag;
    // Concurrent requests each load their own copy of the session, so the entry alone cannot
    // tell the first callback from a parallel replay; the handle is claimed process-wide too.
    // It is remembered as the session's property name, equal to `handle`: a compact string of
    // its own, where `handle` may be a slice that keeps the whole callback URL alive.
    if (entry === undefined || !this.#used.claim(key, entry.t + this.#maxAgeMs, now)) {
      let reason: StateFailureReason = 'no_pending_login';
      if (typeof handle !== 'string' || handle === '') reason = 'state_missing';
      else if (expired) reason = 'expired';
      else if (!hasCookies(req.headers)) reason = 'cookie_missing';
      callback(null, false, stateFailure(reason));
      return;
    }
    callback(null, entry.v, entry.s);
  }

  /**
   * Atomic read-and-delete: the pending login for `handle`, claimed so that of concurrent callbacks
   * carrying it exactly one in this process gets it (the others get `ok` = false). Several
   * processes sharing sessions need a store whose `take` is atomic in the shared database.
   */
  take(req: MicrosoftRequest, handle: string, meta: StateStoreMeta): Promise<StateTakeResult> {
    return takeThroughVerify(this, req, handle, meta);
  }

  #prune(value: unknown, now: number): Bag {
    return this.#pruneAndTake(value, now, undefined).bag;
  }

  /**
   * The unexpired, well-formed pending logins of a session value, without the one of `handle`
   * (returned as `entry`, with its property name as `key`), and how many are left.
   */
  #pruneAndTake(
    value: unknown,
    now: number,
    handle: string | undefined,
  ): { bag: Bag; size: number; entry: PendingLogin | undefined; key: string; expired: boolean } {
    const bag: Bag = Object.create(null) as Bag;
    let size = 0;
    let taken: PendingLogin | undefined;
    let takenKey = '';
    let expired = false;
    if (value === null || typeof value !== 'object')
      return { bag, size, entry: taken, key: takenKey, expired };
    const all = value as Record<string, unknown>;
    for (const key of Object.keys(all)) {
      const e = all[key] as Partial<PendingLogin> | null | undefined;
      if (e === null || typeof e !== 'object') continue;
      if (typeof e.t !== 'number') continue;
      if (now - e.t > this.#maxAgeMs) {
        if (key === handle) expired = true;
        continue;
      }
      if (e.v !== true && typeof e.v !== 'string') continue;
      const entry: PendingLogin = { v: e.v, s: e.s, t: e.t };
      if (key === handle) {
        taken = entry;
        takenKey = key;
      } else {
        bag[key] = entry;
        size += 1;
      }
    }
    return { bag, size, entry: taken, key: takenKey, expired };
  }
}
