/**
 * What an error callback means for a Passport strategy: a `fail` (with its HTTP status) or an
 * `error` action.
 */
import { authorizationErrorOf } from '../core/callback.js';
import type { ErrorCallbackParams } from '../core/callback.js';
import { INTERACTION_REQUIRED_ERRORS, parseAadsts } from '../errors.js';
import type { AadstsDiagnostics, MicrosoftAuthorizationError } from '../errors.js';
import type { FailureInfo } from '../types.js';

/** What an error callback means for the app: a failure (with its HTTP status), or an error. */
export type ErrorCallbackOutcome =
  | {
      fail: FailureInfo & { error: string; reason?: string; subcode?: string } & AadstsDiagnostics;
      status?: number;
    }
  | { error: MicrosoftAuthorizationError };

/**
 * The outcome of a callback carrying `error` (already matched to its pending login and checked by
 * {@link checkedErrorParams}): `access_denied` (the user cancelled or declined) is a failure with
 * Microsoft's diagnostics and `subcode` (e.g. `cancel`); the answers of a silent sign-in that
 * needs the user (`login_required`, `interaction_required`, `consent_required`,
 * `account_selection_required`) are a 401 failure with `reason` = the code; any other error is a
 * {@link MicrosoftAuthorizationError}.
 */
export function errorCallbackOutcome(params: ErrorCallbackParams): ErrorCallbackOutcome {
  const description = params.error_description;
  if (INTERACTION_REQUIRED_ERRORS.includes(params.error)) {
    return {
      fail: {
        message:
          description ?? `Microsoft needs the user to sign in interactively (${params.error})`,
        reason: params.error,
        error: params.error,
        ...parseAadsts(description),
      },
      status: 401,
    };
  }
  if (params.error !== 'access_denied') return { error: authorizationErrorOf(params) };
  return {
    fail: {
      message: description ?? 'Sign-in was cancelled',
      error: params.error,
      ...(params.error_subcode !== undefined ? { subcode: params.error_subcode } : {}),
      ...parseAadsts(description),
    },
  };
}
