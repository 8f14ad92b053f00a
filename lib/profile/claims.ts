/**
 * Reads ID-token claims (`unknown` JSON) into checked {@link MicrosoftIdTokenClaims}.
 */
import { MicrosoftProfileError } from '../errors.js';
import type { MicrosoftIdTokenClaims } from '../types.js';
import { describe, nonBlank } from './graph-user.js';

/**
 * Checks a claims object well enough to build a profile from it: an object with a string `tid` and
 * a string `oid` or `sub` (`tid` is optional for customer identity authorities, whose B2C tokens
 * may lack it). Throws a {@link MicrosoftProfileError} otherwise. Signature, issuer, audience and
 * times are checked by the ID-token verifier before this runs.
 */
export function readClaims(json: unknown, requireTid = true): MicrosoftIdTokenClaims {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new MicrosoftProfileError(
      'not_object',
      `ID token claims are ${describe(json)} instead of an object`,
    );
  }
  const o = json as Record<string, unknown>;
  const hasId = nonBlank(o['oid']) || nonBlank(o['sub']);
  if (!hasId || (requireTid && !nonBlank(o['tid']))) {
    throw new MicrosoftProfileError('missing_id', 'ID token claims have no oid/sub or no tid');
  }
  return o as MicrosoftIdTokenClaims;
}
