/**
 * Reads a Microsoft Graph `/me` body (`unknown` JSON) into a checked {@link GraphUser}.
 */
import { MicrosoftProfileError } from '../errors.js';

/** The Graph `/me` fields the profile uses, checked. Absent or wrongly typed fields are left out. */
export interface GraphUser {
  /** The user's object id (work/school) or 16-hex account id (personal). */
  id: string;
  /** Name for display. */
  displayName?: string;
  /** First name. */
  givenName?: string;
  /** Last name. */
  surname?: string;
  /** Sign-in name (UPN); mutable and not always an address. */
  userPrincipalName?: string;
  /** Primary SMTP address of the mailbox, when the user has one. */
  mail?: string;
  /** Job title. */
  jobTitle?: string;
  /** Mobile phone number. */
  mobilePhone?: string;
  /** Office location. */
  officeLocation?: string;
  /** Preferred language, e.g. `en-US`. */
  preferredLanguage?: string;
  /** The non-blank strings of `businessPhones`; absent when there are none. */
  businessPhones?: string[];
}

const STRING_FIELDS = [
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
] as const;

/**
 * Checks a parsed Graph `/me` body. Throws a {@link MicrosoftProfileError} when it is not an object or has no
 * string `id`; optional fields that are missing, empty, `null` or not strings are left out: for
 * example `{ id: 'fde926f844473904', displayName: 'Avery Quinn', mail: null }` gives
 * `{ id: 'fde926f844473904', displayName: 'Avery Quinn' }`.
 */
export function readGraphUser(json: unknown): GraphUser {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new MicrosoftProfileError(
      'not_object',
      `Microsoft Graph /me returned ${describe(json)} instead of a user object`,
    );
  }
  const o = json as Record<string, unknown>;
  const id = o['id'];
  if (!nonBlank(id)) {
    throw new MicrosoftProfileError(
      'missing_id',
      'Microsoft Graph /me returned a user without an id',
    );
  }
  const user: GraphUser = { id };
  for (const key of STRING_FIELDS) {
    const v = o[key];
    if (nonBlank(v)) user[key] = v;
  }
  const phones = o['businessPhones'];
  if (Array.isArray(phones)) {
    const list = phones.filter(nonBlank);
    if (list.length > 0) user.businessPhones = list;
  }
  return user;
}

/**
 * Parses a Graph `/me` response text. Throws a {@link MicrosoftProfileError} (`not_json`) when it is not JSON.
 */
export function parseGraphUser(text: string): { user: GraphUser; json: Record<string, unknown> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new MicrosoftProfileError(
      'not_json',
      `Microsoft Graph /me returned a body that is not JSON (${text.length} bytes)`,
      { cause },
    );
  }
  const user = readGraphUser(json);
  return { user, json: json as Record<string, unknown> };
}

/**
 * True for a string with something besides whitespace: the one test the profile parsers use for
 * "present" (Microsoft sends `null`, `''` or blanks for absent values).
 */
export function nonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Short description of a JSON value's kind for error messages (never the value itself). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
