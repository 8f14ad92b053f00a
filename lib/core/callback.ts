/**
 * The callback step: reading the parameters Microsoft sent back, the tenant allow-list, and the
 * profile (from Graph `/me`, or from the verified ID-token claims).
 */
import { CONSUMER_TENANT_ID } from '../config/endpoints.js';
import {
  INTERACTION_REQUIRED_ERRORS,
  MicrosoftAuthorizationError,
  MicrosoftProfileError,
  MicrosoftStateError,
  parseAadsts,
} from '../errors.js';
import type { AadstsDiagnostics } from '../errors.js';
import type { GraphEndpointClient } from '../clients/graph.js';
import { readClaims } from '../profile/claims.js';
import { normalizeProfile } from '../profile/normalize.js';
import type { ResolvedConfig } from '../config/settings.js';
import type { FailureInfo, MicrosoftIdTokenClaims, MicrosoftProfile } from '../types.js';

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

/** The profile from verified ID-token claims alone (no Graph call). */
export function claimsProfile(
  config: Pick<ResolvedConfig, 'addUPNAsEmail' | 'authorityKind'>,
  claims: MicrosoftIdTokenClaims,
): MicrosoftProfile {
  readClaims(claims, config.authorityKind === 'workforce');
  return {
    provider: 'microsoft',
    ...normalizeProfile({
      claims,
      addUPNAsEmail: config.addUPNAsEmail,
      customer: config.authorityKind !== 'workforce',
    }),
    _raw: JSON.stringify(claims),
    _json: claims,
  };
}

/**
 * Binds the Graph user to the ID-token user: for a work/school account whose ID token carries
 * `oid`, Graph `/me` `id` is that object id, so a different one means the access token belongs to
 * someone else, and the sign-in is refused with a {@link MicrosoftProfileError} `subject_mismatch`.
 * Personal accounts are not bound (their Graph id is a different, 16-hex-digit id), nor is a
 * sign-in without an ID token or without `oid` (no `profile` scope).
 */
export function bindGraphUser(graphId: string, claims: MicrosoftIdTokenClaims | undefined): void {
  if (claims === undefined || typeof claims.oid !== 'string' || claims.oid === '') return;
  if (typeof claims.tid !== 'string' || claims.tid.toLowerCase() === CONSUMER_TENANT_ID) return;
  if (graphId.toLowerCase() !== claims.oid.toLowerCase()) {
    throw new MicrosoftProfileError(
      'subject_mismatch',
      'Microsoft Graph /me answered for a different user than the ID token (id is not the oid claim)',
    );
  }
}

/** The profile from Graph `/me` (and the photo, when asked for), merged with the claims if any. */
export async function graphProfile(
  config: Pick<ResolvedConfig, 'addUPNAsEmail' | 'photo' | 'authorityKind'>,
  graph: GraphEndpointClient,
  accessToken: string,
  claims: MicrosoftIdTokenClaims | undefined,
): Promise<MicrosoftProfile> {
  const photo = config.photo === false ? undefined : graph.photo(accessToken, config.photo);
  // If /me fails first, the photo's outcome no longer matters; never leave it unhandled.
  photo?.catch(() => undefined);
  const me = await graph.me(accessToken);
  bindGraphUser(me.user.id, claims);
  const photoURL = photo === undefined ? undefined : await photo;
  const profile: MicrosoftProfile = {
    provider: 'microsoft',
    ...normalizeProfile({
      claims,
      graph: me.user,
      addUPNAsEmail: config.addUPNAsEmail,
      customer: config.authorityKind !== 'workforce',
    }),
    _raw: me.raw,
    _json: me.json,
  };
  if (photoURL !== undefined) profile.photos = [{ value: photoURL }];
  return profile;
}
