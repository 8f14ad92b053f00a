/**
 * The fail info of each state failure `reason`, written out as a user sees it: what the state
 * stores call back and the strategy passes to `fail(info, 403)`.
 */
export const STATE_FAILURE = {
  no_pending_login: {
    message:
      'Unable to verify authorization request state: no pending sign-in matches it (it expired, was already used, or the session cookie did not come back)',
    reason: 'no_pending_login',
  },
  cookie_missing: {
    message:
      'Unable to verify authorization request state: the browser sent no cookie with the callback, so the pending sign-in was not found (SameSite, a Secure cookie over http, or another host name)',
    reason: 'cookie_missing',
  },
  expired: {
    message: 'Unable to verify authorization request state: the pending sign-in expired',
    reason: 'expired',
  },
  state_missing: {
    message: 'Unable to verify authorization request state: the callback has no state',
    reason: 'state_missing',
  },
} as const;

/** A state failure reason. */
export type StateFailureKey = keyof typeof STATE_FAILURE;
