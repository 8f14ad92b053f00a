/**
 * The normalized profile and the claims of a verified ID token.
 */

/**
 * Personal Microsoft account (Outlook.com, Hotmail, Xbox, Skype), work/school Entra ID account, or
 * a customer account of an External ID or Azure AD B2C authority.
 */
export type AccountType = 'personal' | 'work' | 'customer';

/** One email address of a {@link MicrosoftProfile}. */
export interface MicrosoftEmail {
  /** The address. */
  value: string;
  /** `home` for personal accounts, `work` for work/school accounts. */
  type: 'home' | 'work';
  /** True only where Microsoft vouches for the address (see docs/profile.md). */
  verified: boolean;
}

/** Claims of a verified Microsoft identity platform v2.0 ID token. */
export interface MicrosoftIdTokenClaims {
  /** Issuer, `https://login.microsoftonline.com/<tid>/v2.0`. */
  iss: string;
  /** Pairwise subject: unique per user and application. */
  sub: string;
  /** The application's client id. */
  aud: string;
  /** Expiry, seconds since the epoch; checked with `clockTolerance`. */
  exp: number;
  /** Issued at, seconds since the epoch; checked with `clockTolerance`. */
  iat: number;
  /** Not before, seconds since the epoch; checked with `clockTolerance`. */
  nbf?: number;
  /** Token version, `2.0`. */
  ver?: string;
  /** Tenant id; `9188040d-6c67-4c5b-b112-36a304b66dad` for personal accounts. */
  tid: string;
  /** Object id, stable across applications (needs the `profile` scope). */
  oid?: string;
  /** Display name (needs `profile`). */
  name?: string;
  /** Sign-in name, mutable, for display (needs `profile`). */
  preferred_username?: string;
  /** Email address (needs `email`); not guaranteed verified for work accounts. */
  email?: string;
  /** First name (optional claim). */
  given_name?: string;
  /** Last name (optional claim). */
  family_name?: string;
  /** Echo of the nonce sent with the authorization request; checked by the strategy. */
  nonce?: string;
  /** Identity provider when it differs from the issuer (guests). */
  idp?: string;
  /** Email domain owner verified (optional claim); `true`, or the strings `"1"`/`"true"`, count as verified. */
  xms_edov?: boolean | string;
  /** When the user authenticated, seconds since the epoch (sent only when configured as an optional claim). */
  auth_time?: number;
  /** Authentication context class references satisfied (Conditional Access authentication contexts). */
  acrs?: string[];
  /** Opaque hint for `login_hint`/`logout_hint` (optional claim). */
  login_hint?: string;
  /** Session id (optional claim). */
  sid?: string;
  /** Any other claim. */
  [claim: string]: unknown;
}

/**
 * The one profile shape this strategy hands to the verify callback: Passport's common profile plus
 * Microsoft's stable ids. Optional fields are absent (never `undefined` strings or `null`) when
 * Microsoft did not provide them.
 */
export interface MicrosoftProfile {
  /** Always `microsoft`. */
  provider: 'microsoft';
  /** Object id (`oid`), stable across applications; see docs/profile.md for the fallbacks. */
  id: string;
  /** Name for display; empty string only when Microsoft sent no name at all. */
  displayName: string;
  /** Name parts; present when at least one part is known. */
  name?: {
    /** First name. */
    givenName?: string;
    /** Last name. */
    familyName?: string;
  };
  /** `preferred_username` claim, else the Graph `userPrincipalName`. */
  username?: string;
  /** Addresses, unique case-insensitively, best first. */
  emails?: MicrosoftEmail[];
  /** The Graph photo as a `data:` URL (with the `photo` option). */
  photos?: Array<{
    /** `data:<content-type>;base64,...` */
    value: string;
  }>;
  /** Object id (`oid` claim). */
  objectId?: string;
  /** Tenant id (`tid` claim); key users on `(tenantId, id)`. */
  tenantId?: string;
  /** `personal` for the consumer tenant, else `work`. */
  accountType?: AccountType;
  /** Graph `/me` `id`: for personal accounts the 16-hex-digit id Live Connect and passport-microsoft used. */
  graphId?: string;
  /** Graph `userPrincipalName` (kept for passport-microsoft compatibility). */
  userPrincipalName?: string;
  /** `idp` claim: the identity provider that authenticated the user, when it is not the issuer (guests). */
  idp?: string;
  /**
   * True for a work/school account signed in as a guest: its `idp` (or the tenant in `iss`) is not
   * the token's tenant `tid`, or its UPN carries `#EXT#`. False for other work accounts; absent for
   * personal accounts and without claims.
   */
  isGuest?: boolean;
  /** Graph `jobTitle`. */
  jobTitle?: string;
  /** Graph `mobilePhone`. */
  mobilePhone?: string;
  /** Graph `businessPhones` (non-empty strings only; absent when there are none). */
  businessPhones?: string[];
  /** Graph `officeLocation`. */
  officeLocation?: string;
  /** Graph `preferredLanguage`, e.g. `en-US`. */
  preferredLanguage?: string;
  /** The verified ID-token claims, when an ID token was returned. */
  idTokenClaims?: MicrosoftIdTokenClaims;
  /** The Graph response text (`graph` source) or the claims as JSON (`id_token` source). */
  _raw: string;
  /** The parsed Graph body (`graph` source) or the claims (`id_token` source). */
  _json: Record<string, unknown>;
}
