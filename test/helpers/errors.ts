/**
 * Assertions on errors: what a promise rejected with, and ID-token failures either as a rejection
 * (verifier, `strategy.refresh()`) or as the Passport `error` action of a login.
 */
import { expect } from 'chai';
import { MicrosoftIdTokenError } from '../../lib/errors.js';
import type { IdTokenErrorCode } from '../../lib/errors.js';
import { expectError } from './passport.js';
import type { Outcome } from './passport.js';

/**
 * Awaits `promise` (or what `action` returns, a synchronous throw included) and returns what it
 * rejected with; fails the test when it fulfils.
 */
export async function rejectionOf(
  promiseOrAction: Promise<unknown> | (() => unknown),
): Promise<unknown> {
  try {
    await (typeof promiseOrAction === 'function' ? promiseOrAction() : promiseOrAction);
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

/** Checks that `err` is an MicrosoftIdTokenError with `code` (its message explains a mismatch) and returns it. */
function checkIdTokenError(err: unknown, code: IdTokenErrorCode): MicrosoftIdTokenError {
  expect(err, 'not an MicrosoftIdTokenError').to.be.instanceOf(MicrosoftIdTokenError);
  const e = err as MicrosoftIdTokenError;
  expect(e.code, e.message).to.equal(code);
  return e;
}

/** Expects `promise` to reject with an MicrosoftIdTokenError of `code`, and returns the error. */
export async function expectIdTokenError(
  promise: Promise<unknown>,
  code: IdTokenErrorCode,
): Promise<MicrosoftIdTokenError> {
  return checkIdTokenError(await rejectionOf(promise), code);
}

/** Expects a login to end with Passport's `error` action carrying an MicrosoftIdTokenError of `code`. */
export function expectIdTokenErrorOutcome(
  outcome: Outcome,
  code: IdTokenErrorCode,
): MicrosoftIdTokenError {
  return checkIdTokenError(expectError(outcome), code);
}
