/**
 * The profile a login hands to the app: from verified ID-token claims alone, or from Graph `/me`
 * (bound to the ID token's user) merged with the claims.
 */
import { CONSUMER_TENANT_ID } from '../config/clouds.js';
import type { AuthorityKind } from '../config/clouds.js';
import { MicrosoftProfileError } from '../errors.js';
import type { MicrosoftIdTokenClaims, MicrosoftProfile } from '../types.js';
import { readClaims } from './claims.js';
import type { GraphUser } from './graph-user.js';
import { normalizeProfile } from './normalize.js';

/** The settings a profile is built with. */
export interface ProfileSettings {
  /** Whether a work account's UPN is added to `emails`. */
  addUPNAsEmail: boolean;
  /** The kind of authority (a customer identity authority's users are `customer` accounts). */
  authorityKind: AuthorityKind;
}

/** Graph `/me` as read: the checked user, the body as text and parsed. */
export interface GraphMeBody {
  user: GraphUser;
  raw: string;
  json: Record<string, unknown>;
}

/** The profile from verified ID-token claims alone (no Graph call). */
export function claimsProfile(
  settings: ProfileSettings,
  claims: MicrosoftIdTokenClaims,
): MicrosoftProfile {
  readClaims(claims, settings.authorityKind === 'workforce');
  return {
    provider: 'microsoft',
    ...normalizeProfile({
      claims,
      addUPNAsEmail: settings.addUPNAsEmail,
      customer: settings.authorityKind !== 'workforce',
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

/** The profile from Graph `/me` (bound to the claims' user, merged with them) and the photo. */
export function graphUserProfile(
  settings: ProfileSettings,
  me: GraphMeBody,
  claims: MicrosoftIdTokenClaims | undefined,
  photoURL: string | undefined,
): MicrosoftProfile {
  bindGraphUser(me.user.id, claims);
  const profile: MicrosoftProfile = {
    provider: 'microsoft',
    ...normalizeProfile({
      claims,
      graph: me.user,
      addUPNAsEmail: settings.addUPNAsEmail,
      customer: settings.authorityKind !== 'workforce',
    }),
    _raw: me.raw,
    _json: me.json,
  };
  if (photoURL !== undefined) profile.photos = [{ value: photoURL }];
  return profile;
}
