/**
 * The normalization rules: one profile shape from verified ID-token claims and/or Graph `/me`.
 * docs/profile.md documents the same rules.
 */
import { CONSUMER_TENANT_ID } from '../config/clouds.js';
import type {
  AccountType,
  MicrosoftEmail,
  MicrosoftIdTokenClaims,
  MicrosoftProfile,
} from '../types.js';
import { nonBlank } from './graph-user.js';
import type { GraphUser } from './graph-user.js';

/** A profile without the fields the strategy sets (`provider`, `_raw`, `_json`, `photos`). */
export type NormalizedProfile = Omit<MicrosoftProfile, 'provider' | '_raw' | '_json' | 'photos'>;

/** Inputs of {@link normalizeProfile}. At least one of `claims` and `graph` must be given. */
export interface NormalizeInput {
  claims?: MicrosoftIdTokenClaims | undefined;
  graph?: GraphUser | undefined;
  /** Add a work account's UPN to `emails`. */
  addUPNAsEmail?: boolean | undefined;
  /**
   * The account signed in at a customer identity authority (External ID, B2C): `accountType` is
   * `customer` and B2C's `emails` claim is read.
   */
  customer?: boolean | undefined;
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

/** True when the value looks like an email address. */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 320 && EMAIL_RE.test(value);
}

function str(value: unknown): string | undefined {
  return nonBlank(value) ? value : undefined;
}

/**
 * Builds the normalized profile (the rules are in docs/profile.md). Pure: no I/O, no
 * mutation of its inputs.
 */
export function normalizeProfile(input: NormalizeInput): NormalizedProfile {
  const { claims, graph } = input;
  const tid = str(claims?.tid);
  const oid = str(claims?.oid);
  const accountType: AccountType | undefined = input.customer
    ? 'customer'
    : tid === undefined
      ? undefined
      : tid.toLowerCase() === CONSUMER_TENANT_ID
        ? 'personal'
        : 'work';
  const id = oid ?? str(claims?.sub) ?? graph?.id;
  if (id === undefined) throw new TypeError('normalizeProfile needs claims or a Graph user');

  const profile: NormalizedProfile = {
    id,
    displayName:
      graph?.displayName ??
      str(claims?.name) ??
      str(claims?.preferred_username) ??
      graph?.userPrincipalName ??
      '',
  };
  const givenName = graph?.givenName ?? str(claims?.given_name);
  const familyName = graph?.surname ?? str(claims?.family_name);
  if (givenName !== undefined || familyName !== undefined) {
    profile.name = {};
    if (givenName !== undefined) profile.name.givenName = givenName;
    if (familyName !== undefined) profile.name.familyName = familyName;
  }
  const username = str(claims?.preferred_username) ?? graph?.userPrincipalName;
  if (username !== undefined) profile.username = username;

  const emails = collectEmails(input, accountType);
  if (emails.length > 0) profile.emails = emails;

  if (oid !== undefined) profile.objectId = oid;
  if (tid !== undefined) profile.tenantId = tid;
  if (accountType !== undefined) profile.accountType = accountType;
  if (graph !== undefined) profile.graphId = graph.id;
  if (graph?.userPrincipalName !== undefined) profile.userPrincipalName = graph.userPrincipalName;
  const idp = str(claims?.idp);
  if (idp !== undefined) profile.idp = idp;
  if (accountType === 'work' && tid !== undefined)
    profile.isGuest = isGuestAccount(tid, claims, graph);
  if (graph !== undefined) {
    for (const key of GRAPH_FIELDS) {
      const value = graph[key];
      if (value !== undefined) profile[key] = value;
    }
    if (graph.businessPhones !== undefined) profile.businessPhones = [...graph.businessPhones];
  }
  if (claims !== undefined) profile.idTokenClaims = claims;
  return profile;
}

const GRAPH_FIELDS = ['jobTitle', 'mobilePhone', 'officeLocation', 'preferredLanguage'] as const;

/** A guest's UPN in the inviting tenant: `alias_home.example#EXT#@tenant.onmicrosoft.com`. */
function isExternalUPN(value: unknown): boolean {
  return typeof value === 'string' && value.toUpperCase().includes('#EXT#');
}

/**
 * A work/school sign-in is a guest's when another identity provider authenticated the user (`idp`
 * that is not the issuer of `tid`), the issuer's tenant is not `tid`, or the UPN carries `#EXT#`.
 */
function isGuestAccount(
  tid: string,
  claims: MicrosoftIdTokenClaims | undefined,
  graph: GraphUser | undefined,
): boolean {
  const home = tid.toLowerCase();
  const idp = str(claims?.idp)?.toLowerCase();
  if (idp !== undefined && !idp.includes(home)) return true;
  const iss = str(claims?.iss)?.toLowerCase();
  if (iss !== undefined && !iss.includes(`/${home}/`)) return true;
  return isExternalUPN(graph?.userPrincipalName) || isExternalUPN(claims?.['upn']);
}

/** `xms_edov` as Microsoft may send it: `true`, or the strings `"1"` and `"true"`; nothing else. */
function domainOwnerVerified(value: unknown): boolean {
  return value === true || value === '1' || value === 'true';
}

function collectEmails(
  input: NormalizeInput,
  accountType: AccountType | undefined,
): MicrosoftEmail[] {
  const { claims, graph } = input;
  const personal = accountType === 'personal';
  const type: MicrosoftEmail['type'] = personal ? 'home' : 'work';
  const out: MicrosoftEmail[] = [];
  const add = (value: string | undefined, verified: boolean): void => {
    if (!isEmailAddress(value)) return;
    const existing = out.find((e) => e.value.toLowerCase() === value.toLowerCase());
    if (existing) {
      existing.verified ||= verified;
      return;
    }
    out.push({ value, type, verified });
  };
  // Microsoft vouches for a personal account's sign-in address, and for a work account's email
  // only when the optional claim xms_edov says the domain owner verified it.
  add(str(claims?.email), personal || domainOwnerVerified(claims?.xms_edov));
  // Azure AD B2C puts the sign-in addresses in an `emails` array (not verified by this library).
  const b2cEmails = input.customer
    ? (claims as { emails?: unknown } | undefined)?.emails
    : undefined;
  if (Array.isArray(b2cEmails)) for (const e of b2cEmails) add(str(e), false);
  add(graph?.mail, false);
  if (personal) add(graph?.userPrincipalName, true);
  // A guest's #EXT# UPN is an internal name in the inviting tenant, never a mailbox.
  else if (input.addUPNAsEmail === true && !isExternalUPN(graph?.userPrincipalName))
    add(graph?.userPrincipalName, false);
  return out;
}
