/**
 * The fail info of a state failure: a callback that finds no pending login. Both state stores
 * answer with it, so an app (and the sample) can tell the user why with `info.reason`.
 */
import type { FailureInfo, StateFailureReason } from '../types.js';

const PREFIX = 'Unable to verify authorization request state';

const MESSAGES: Readonly<Record<StateFailureReason, string>> = {
  state_missing: 'the callback has no state',
  cookie_missing:
    'the browser sent no cookie with the callback, so the pending sign-in was not found (SameSite, a Secure cookie over http, or another host name)',
  expired: 'the pending sign-in expired',
  no_pending_login:
    'no pending sign-in matches it (it expired, was already used, or the session cookie did not come back)',
};

/** The info a state store fails with for `reason`: `{ message, reason }`. */
export function stateFailure(reason: StateFailureReason): FailureInfo & {
  reason: StateFailureReason;
} {
  return { message: `${PREFIX}: ${MESSAGES[reason]}`, reason };
}

/** Whether a request carries a Cookie header at all. */
export function hasCookies(
  headers: { cookie?: string | string[] | undefined } | undefined,
): boolean {
  const cookie = headers?.cookie;
  return Array.isArray(cookie) ? cookie.some((c) => c.trim() !== '') : !!cookie?.trim();
}
