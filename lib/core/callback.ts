/**
 * The callback step: reading the parameters Microsoft sent back, the tenant allow-list, and the
 * profile (from Graph `/me`, or from the verified ID-token claims).
 */
import { MicrosoftAuthorizationError, parseAadsts } from '../errors.js';
import type { AadstsDiagnostics } from '../errors.js';
import type { GraphEndpointClient } from '../graph-client.js';
import { readClaims } from '../profile/claims.js';
import { normalizeProfile } from '../profile/normalize.js';
import type { ResolvedConfig } from '../settings.js';
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
  for (const field of FIELDS) {
    const value =
      input instanceof URLSearchParams
        ? (input.get(field) ?? undefined)
        : firstString(input[field]);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The error Microsoft's authorize endpoint sent back, as a {@link MicrosoftAuthorizationError}. */
export function authorizationErrorOf(
  params: CallbackParams & { error: string },
): MicrosoftAuthorizationError {
  return new MicrosoftAuthorizationError({
    error: params.error,
    error_description: params.error_description,
    error_uri: params.error_uri,
    error_subcode: params.error_subcode,
  });
}

/** What an error callback means for the app: the user declined (a failure), or an error. */
export type ErrorCallbackOutcome =
  | { fail: FailureInfo & { error: string } & AadstsDiagnostics }
  | { error: MicrosoftAuthorizationError };

/**
 * The outcome of a callback carrying `error`: `access_denied` (the user cancelled or declined) is
 * a failure with Microsoft's diagnostics; any other error is a {@link MicrosoftAuthorizationError}.
 */
export function errorCallbackOutcome(
  params: CallbackParams & { error: string },
): ErrorCallbackOutcome {
  if (params.error !== 'access_denied') return { error: authorizationErrorOf(params) };
  const description = params.error_description;
  return {
    fail: {
      message: description ?? 'Sign-in was cancelled',
      error: params.error,
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
