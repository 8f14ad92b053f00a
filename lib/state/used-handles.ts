/**
 * One-time state handles: the handles a state store has consumed in this process, each remembered
 * until its pending login would have expired, so a replayed callback finds its handle used. Shared
 * by the session and cookie stores, with the promise form of `verify` their `take` is.
 */
import type { MicrosoftRequest, StateStore, StateStoreMeta, StateTakeResult } from '../types.js';

/** Consumed handles remembered per store, at most (each for the lifetime of a pending login). */
export const MAX_REMEMBERED = 10_000;

/** Handles consumed in this process, to when their pending login expires. */
export class UsedHandles {
  /** Handle → expiry in whole seconds, in the order the handles were claimed. */
  readonly #used = new Map<string, number>();
  /** Expiry of the oldest remembered handle, in whole seconds; `Infinity` when none is. */
  #frontUntil = Infinity;

  /** Remembers `handle` as used until `expiresMs`; false when it already was. */
  claim(handle: string, expiresMs: number, nowMs: number): boolean {
    const used = this.#used;
    // Forget from the front while it has expired or the map is full; the front's expiry is kept,
    // so the common case (nothing to forget) walks nothing.
    if (this.#frontUntil * 1000 <= nowMs || used.size >= MAX_REMEMBERED) {
      for (const [old, until] of used) {
        if (until * 1000 > nowMs && used.size < MAX_REMEMBERED) break;
        used.delete(old);
      }
      this.#frontUntil = Infinity;
      for (const until of used.values()) {
        this.#frontUntil = until;
        break;
      }
    }
    if (used.has(handle)) return false;
    // Whole seconds, rounded up: small integers take no heap of their own, and a handle is
    // remembered at least as long as asked.
    const until = Math.ceil(expiresMs / 1000);
    if (used.size === 0) this.#frontUntil = until;
    used.set(handle, until);
    return true;
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
