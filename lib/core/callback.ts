/**
 * The callback step: reading the parameters Microsoft sent back (checked error fields included)
 * and the tenant allow-list.
 */
import { MicrosoftAuthorizationError, MicrosoftStateError } from '../errors.js';
import type { ResolvedConfig } from './settings.js';
import type { MicrosoftIdTokenClaims } from '../types.js';

/** The parameters of a callback: a query string, a parsed query or form body, or a URL. */
export type CallbackInput = URLSearchParams | Record<string, unknown>;

/** The fields of a callback this library reads. */
export interface CallbackParams {
  /** The authorization code. */
  code?: string;
  /** The state handle sent with the authorize request. */
  state?: string;
  /** The OAuth error, when the sign-in did not succeed. */
  error?: string;
  /** Microsoft's description of the error (with the AADSTS code and trace ids). */
  error_description?: string;
  /** A page about the error. */
  error_uri?: string;
  /** Microsoft's sub-code, e.g. `cancel`. */
  error_subcode?: string;
}

const FIELDS = [
  'code',
  'state',
  'error',
  'error_description',
  'error_uri',
  'error_subcode',
] as const;

/** The first string of a query value (`?a=1&a=2` parses to an array in Express). */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Reads the callback fields; anything that is not a string is left out. */
export function readCallbackParams(input: CallbackInput): CallbackParams {
  const out: CallbackParams = {};
  if (input instanceof URLSearchParams) {
    for (const field of FIELDS) {
      const value = input.get(field);
      if (value !== null) out[field] = value;
    }
    return out;
  }
  for (const field of FIELDS) {
    const value = input[field];
    // Most fields are absent or plain strings; arrays (`?a=1&a=2`) go through firstString.
    if (value === undefined) continue;
    const first = typeof value === 'string' ? value : firstString(value);
    if (first !== undefined) out[field] = first;
  }
  return out;
}

/** Longest `error` code kept from an error callback (Microsoft's are under 40 characters). */
export const MAX_ERROR_CODE_LENGTH = 64;
/** Longest `error_description` kept from an error callback; the rest is cut. */
export const MAX_ERROR_DESCRIPTION_LENGTH = 512;
// RFC 6749 section 4.1.2.1: error and error_description are %x20-21 / %x23-5B / %x5D-7E.
const OAUTH_ERROR_CHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** The fields of an error callback that may be kept, checked. */
export type ErrorCallbackParams = CallbackParams & { error: string };

/**
 * The error fields of a callback, checked before anything keeps them: `error` must be an OAuth
 * error code (RFC 6749's character set, at most {@link MAX_ERROR_CODE_LENGTH} characters), else
 * a {@link MicrosoftStateError} `callback_malformed`; `error_description` is cut to
 * {@link MAX_ERROR_DESCRIPTION_LENGTH} characters; `error_uri` is kept only when it is an https
 * URL; `error_subcode` only when it has the character set of a code.
 */
export function checkedErrorParams(params: ErrorCallbackParams): ErrorCallbackParams {
  const { error } = params;
  if (error.length > MAX_ERROR_CODE_LENGTH || !OAUTH_ERROR_CHARS.test(error)) {
    throw new MicrosoftStateError(
      'callback_malformed',
      'The callback carries an error parameter that is not an OAuth error code',
    );
  }
  const out: ErrorCallbackParams = { error };
  if (params.state !== undefined) out.state = params.state;
  const description = params.error_description;
  if (description !== undefined && description !== '')
    out.error_description = description.slice(0, MAX_ERROR_DESCRIPTION_LENGTH);
  if (params.error_uri !== undefined && isHttpsURL(params.error_uri))
    out.error_uri = params.error_uri;
  const subcode = params.error_subcode;
  if (
    subcode !== undefined &&
    subcode.length <= MAX_ERROR_CODE_LENGTH &&
    OAUTH_ERROR_CHARS.test(subcode)
  )
    out.error_subcode = subcode;
  return out;
}

function isHttpsURL(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The error Microsoft's authorize endpoint sent back, as a {@link MicrosoftAuthorizationError}. */
export function authorizationErrorOf(params: ErrorCallbackParams): MicrosoftAuthorizationError {
  return new MicrosoftAuthorizationError({
    error: params.error,
    error_description: params.error_description,
    error_uri: params.error_uri,
    error_subcode: params.error_subcode,
  });
}

/** Whether `allowedTenants` admits the signed-in tenant (always, without the option). */
export async function tenantAllowed(
  config: Pick<ResolvedConfig, 'allowedTenants'>,
  claims: MicrosoftIdTokenClaims,
): Promise<boolean> {
  const allowed = config.allowedTenants;
  if (allowed === undefined) return true;
  if (typeof allowed === 'function') return (await allowed(claims.tid, claims)) === true;
  // A B2C token may carry no tid; no tenant is then on the list.
  const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
  return allowed.some((t) => t.toLowerCase() === tid);
}
