/**
 * One-time state handles: the handles a state store has consumed in this process, each remembered
 * until its pending login would have expired, so a replayed callback finds its handle used. Shared
 * by the session and cookie stores, with the promise form of `verify` their `take` is.
 */
import { EMIT_WARNING_LOGGER } from '../log.js';
import type { MicrosoftLogger } from '../log.js';
import type { MicrosoftRequest, StateStore, StateStoreMeta, StateTakeResult } from '../types.js';

/**
 * Consumed handles remembered per store, at most. A remembered handle costs about 80 bytes of heap
 * (measured on Node 20 with the stores' 32-character handles: 77 to 85 bytes per entry for 10^5 to
 * 10^6 entries), so a full memory holds about 40 MB. Filling it with handles that are all still
 * live takes 500,000 accepted callbacks within one pending-login lifetime (10 minutes by default):
 * over 830 a second, each one a fresh `/login` and a callback the app sends on to Microsoft's token
 * endpoint; at 100 a second it takes 83 minutes, eight lifetimes.
 */
export const MAX_REMEMBERED = 500_000;

/** Settings of a {@link UsedHandles}. */
export interface UsedHandlesOptions {
  /** Where the one warning goes when the memory is full of live handles. */
  logger?: MicrosoftLogger;
  /** Most handles remembered; default {@link MAX_REMEMBERED} (tests use small ones). */
  max?: number;
}

/** Handles consumed in this process, to when their pending login expires. */
export class UsedHandles {
  /** Handle → expiry in whole seconds, in the order the handles were claimed. */
  readonly #used = new Map<string, number>();
  readonly #max: number;
  readonly #logger: MicrosoftLogger;
  /** Expiry of the oldest remembered handle, in whole seconds; `Infinity` when none is. */
  #frontUntil = Infinity;
  /** No remembered handle expires before this (seconds), so a sweep before it finds nothing. */
  #nextExpiry = -Infinity;
  #warned = false;

  constructor(options: UsedHandlesOptions = {}) {
    this.#max = options.max ?? MAX_REMEMBERED;
    this.#logger = options.logger ?? EMIT_WARNING_LOGGER;
  }

  /** How many handles are remembered. */
  get size(): number {
    return this.#used.size;
  }

  /** Remembers `handle` as used until `expiresMs`; false when it already was. */
  claim(handle: string, expiresMs: number, nowMs: number): boolean {
    const used = this.#used;
    // Forget expired handles from the front; the front's expiry is kept, so the common case
    // (nothing to forget) walks nothing.
    if (this.#frontUntil * 1000 <= nowMs) {
      for (const [old, until] of used) {
        if (until * 1000 > nowMs) break;
        used.delete(old);
      }
      this.#frontUntil = this.#front();
    }
    if (used.has(handle)) return false;
    if (used.size >= this.#max) this.#makeRoom(nowMs);
    // Whole seconds, rounded up: small integers take no heap of their own, and a handle is
    // remembered at least as long as asked.
    const until = Math.ceil(expiresMs / 1000);
    if (used.size === 0) this.#frontUntil = until;
    if (until < this.#nextExpiry) this.#nextExpiry = until;
    used.set(handle, until);
    return true;
  }

  /**
   * Makes room for one handle in a full memory: first every expired handle, wherever it sits
   * (handles are claimed in another order than they expire); then, when all are live, the oldest,
   * with one warning. Sign-in stays available: refusing every login would be an outage that junk
   * callbacks could cause. A forgotten handle's captured callback can pass the state check again;
   * Microsoft redeeming each authorization code only once is then the last line.
   */
  #makeRoom(nowMs: number): void {
    const used = this.#used;
    if (this.#nextExpiry * 1000 <= nowMs) {
      let next = Infinity;
      for (const [old, until] of used)
        if (until * 1000 <= nowMs) used.delete(old);
        else if (until < next) next = until;
      this.#nextExpiry = next;
      this.#frontUntil = this.#front();
    }
    if (used.size < this.#max) return;
    for (const old of used.keys()) {
      used.delete(old);
      if (used.size < this.#max) break;
    }
    this.#frontUntil = this.#front();
    if (!this.#warned) {
      this.#warned = true;
      this.#logger.warn(
        `Microsoft sign-in: the state store remembers ${this.#max} used state handles whose pending logins have not expired, its most; it now forgets the oldest, so a captured callback of one of those logins could pass the state check again (Microsoft still redeems each authorization code only once). A flood of callbacks fills it: rate-limit the login and callback routes (see docs/production.md)`,
      );
    }
  }

  #front(): number {
    for (const until of this.#used.values()) return until;
    return Infinity;
  }
}

/**
 * A store's `verify` as the promise `take` resolves with. The stores claim the handle inside
 * `verify` (see {@link UsedHandles}), so this is atomic within one process.
 */
export function takeThroughVerify(
  store: Pick<StateStore, 'verify'>,
  req: MicrosoftRequest,
  handle: string,
  meta: StateStoreMeta,
): Promise<StateTakeResult> {
  return new Promise((resolve, reject) => {
    store.verify(req, handle, meta, (err, ok, state) =>
      err ? reject(err) : resolve({ ok: ok ?? false, state }),
    );
  });
}
