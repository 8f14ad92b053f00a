/**
 * Property tests of the profile parsers: whatever JSON Graph or an ID token carries, the parsers
 * plus normalizeProfile produce a valid MicrosoftProfile or throw MicrosoftProfileError, nothing else.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { MicrosoftProfileError } from '../../lib/errors.js';
import { readClaims } from '../../lib/profile/claims.js';
import { parseGraphUser, readGraphUser } from '../../lib/profile/graph-user.js';
import { isEmailAddress, normalizeProfile } from '../../lib/profile/normalize.js';
import type { NormalizedProfile } from '../../lib/profile/normalize.js';
import type { MicrosoftIdTokenClaims } from '../../lib/types.js';
import type { GraphUser } from '../../lib/profile/graph-user.js';
import { timeSuite } from './suite-clock.js';

const RUNS = 10_000;
const CONSUMER_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Values a field may hold: any JSON, and the strings that stress the rules (blank, emails, case). */
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      'null',
      'undefined',
      'a@b',
      'x@y.z.',
      '@example.com',
      'A@Example.COM',
      'a@example.com',
      '<a@b.co>',
    ),
  },
  { weight: 3, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.emailAddress().map((e) => ` ${e.toUpperCase()}`) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, [], {}) },
);

const tidValue = fc.oneof(
  fc.uuid(),
  fc.constant(CONSUMER_TID),
  fc.constant(CONSUMER_TID.toUpperCase()),
  fieldValue,
);

/** Objects shaped like Graph `/me` with arbitrary field values and extra members. */
const graphShaped = fc
  .tuple(
    fc.record(
      {
        id: fieldValue,
        displayName: fieldValue,
        givenName: fieldValue,
        surname: fieldValue,
        userPrincipalName: fieldValue,
        mail: fieldValue,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** Objects shaped like ID-token claims with arbitrary field values and extra members. */
const claimsShaped = fc
  .tuple(
    fc.record(
      {
        oid: fieldValue,
        sub: fieldValue,
        tid: tidValue,
        name: fieldValue,
        preferred_username: fieldValue,
        email: fieldValue,
        given_name: fieldValue,
        family_name: fieldValue,
        xms_edov: fc.oneof(fc.boolean(), fieldValue),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Every own value, recursively, except the verbatim claims passthrough. */
function assertNoNullish(value: unknown, path: string): void {
  if (value === undefined || value === null) throw new Error(`${path} is ${String(value)}`);
  if (typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (path === 'profile' && k === 'idTokenClaims') continue;
    assertNoNullish(v, `${path}.${k}`);
  }
}

const PROFILE_KEYS = new Set([
  'id',
  'displayName',
  'name',
  'username',
  'emails',
  'objectId',
  'tenantId',
  'accountType',
  'graphId',
  'userPrincipalName',
  'idp',
  'isGuest',
  'jobTitle',
  'mobilePhone',
  'businessPhones',
  'officeLocation',
  'preferredLanguage',
  'idTokenClaims',
]);

/** Throws when `p` is not a valid normalized profile. */
function assertValidProfile(p: NormalizedProfile): void {
  assertNoNullish(p, 'profile');
  for (const k of Object.keys(p))
    if (!PROFILE_KEYS.has(k)) throw new Error(`unexpected member ${k}`);
  if (!nonEmpty(p.id)) throw new Error(`id ${JSON.stringify(p.id)} is not a non-empty string`);
  if (typeof p.displayName !== 'string') throw new Error('displayName is not a string');
  if (p.name !== undefined) {
    const keys = Object.keys(p.name);
    if (keys.length === 0) throw new Error('name is an empty object');
    for (const k of keys)
      if (k !== 'givenName' && k !== 'familyName') throw new Error(`name.${k} is unexpected`);
    if (p.name.givenName !== undefined && !nonEmpty(p.name.givenName))
      throw new Error('name.givenName is blank');
    if (p.name.familyName !== undefined && !nonEmpty(p.name.familyName))
      throw new Error('name.familyName is blank');
  }
  for (const k of ['username', 'objectId', 'tenantId', 'graphId', 'userPrincipalName'] as const) {
    if (p[k] !== undefined && !nonEmpty(p[k]))
      throw new Error(`${k} ${JSON.stringify(p[k])} is blank or not a string`);
  }
  if (p.accountType !== undefined && p.accountType !== 'personal' && p.accountType !== 'work')
    throw new Error(`accountType ${String(p.accountType)}`);
  if (p.accountType !== undefined && p.tenantId === undefined)
    throw new Error('accountType without tenantId');
  if (p.emails !== undefined) {
    if (!Array.isArray(p.emails) || p.emails.length === 0)
      throw new Error('emails is present but empty');
    const seen = new Set<string>();
    for (const e of p.emails) {
      if (!isEmailAddress(e.value))
        throw new Error(`email ${JSON.stringify(e.value)} is not an address`);
      if (e.type !== 'home' && e.type !== 'work') throw new Error(`email type ${String(e.type)}`);
      if (typeof e.verified !== 'boolean') throw new Error('email.verified is not a boolean');
      if (Object.keys(e).length !== 3) throw new Error('email has extra members');
      const lower = e.value.toLowerCase();
      if (seen.has(lower)) throw new Error(`email ${e.value} is listed twice`);
      seen.add(lower);
    }
  }
}

/** How many runs of a property gave a valid profile. */
interface Tally {
  valid: number;
}

/**
 * Runs `fn`; passes when it returns a valid profile or throws a MicrosoftProfileError. A valid profile is
 * counted in `tally`, so a test can check that the parser does not just refuse everything.
 */
function validOrProfileError(fn: () => NormalizedProfile, tally?: Tally): boolean {
  let profile: NormalizedProfile;
  try {
    profile = fn();
  } catch (err) {
    if (
      err instanceof MicrosoftProfileError &&
      ['not_json', 'not_object', 'missing_id'].includes(err.code) &&
      err.message !== ''
    )
      return true;
    throw err;
  }
  assertValidProfile(profile);
  if (tally) tally.valid += 1;
  return true;
}

function fromGraph(json: unknown, addUPNAsEmail: boolean): NormalizedProfile {
  return normalizeProfile({ graph: readGraphUser(json), addUPNAsEmail });
}

function fromClaims(json: unknown, addUPNAsEmail: boolean): NormalizedProfile {
  return normalizeProfile({ claims: readClaims(json), addUPNAsEmail });
}

describe('robustness: profile parsers under arbitrary JSON (fast-check)', function () {
  this.timeout(60_000);
  timeSuite();
  it('readGraphUser + normalizeProfile: any JSON value gives a valid profile or a MicrosoftProfileError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (json, upn) =>
        validOrProfileError(() => fromGraph(json, upn)),
      ),
      { numRuns: RUNS },
    );
  });

  it('readGraphUser + normalizeProfile: Graph-shaped objects with arbitrary field values', () => {
    const tally: Tally = { valid: 0 };
    fc.assert(
      fc.property(graphShaped, fc.boolean(), (json, upn) =>
        validOrProfileError(() => fromGraph(json, upn), tally),
      ),
      { numRuns: RUNS },
    );
    // About 53% of runs give a profile (measured over 10,000 runs); a parser refusing everything must fail.
    expect(tally.valid, 'runs that gave a valid profile').to.be.at.least(RUNS / 4);
  });

  it('parseGraphUser + normalizeProfile: any body text (JSON or not) gives a valid profile or a MicrosoftProfileError', () => {
    const text = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      graphShaped.map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      graphShaped.map((v) => JSON.stringify(v).slice(0, -1)),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (body, upn) =>
        validOrProfileError(() => {
          const { user, json } = parseGraphUser(body);
          if (json === null || typeof json !== 'object')
            throw new Error('parseGraphUser returned a non-object json');
          return normalizeProfile({ graph: user, addUPNAsEmail: upn });
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('readClaims + normalizeProfile: any JSON value gives a valid profile or a MicrosoftProfileError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (json, upn) =>
        validOrProfileError(() => fromClaims(json, upn)),
      ),
      { numRuns: RUNS },
    );
  });

  it('readClaims + normalizeProfile: claims-shaped objects with arbitrary field values', () => {
    const tally: Tally = { valid: 0 };
    fc.assert(
      fc.property(claimsShaped, fc.boolean(), (json, upn) =>
        validOrProfileError(() => fromClaims(json, upn), tally),
      ),
      { numRuns: RUNS },
    );
    // About 59% of runs give a profile (measured over 10,000 runs); a parser refusing everything must fail.
    expect(tally.valid, 'runs that gave a valid profile').to.be.at.least(RUNS / 4);
  });

  it('claims and Graph together (the graph profile source) give a valid profile or a MicrosoftProfileError', () => {
    fc.assert(
      fc.property(claimsShaped, graphShaped, fc.boolean(), (claims, graph, upn) =>
        validOrProfileError(() => {
          const c: MicrosoftIdTokenClaims = readClaims(claims);
          const g: GraphUser = readGraphUser(graph);
          return normalizeProfile({ claims: c, graph: g, addUPNAsEmail: upn });
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('a blank oid or sub is refused by readClaims (regression: it reached normalizeProfile and threw a TypeError)', () => {
    expect(() => readClaims({ oid: ' ', tid: CONSUMER_TID }))
      .to.throw(MicrosoftProfileError)
      .with.property('code', 'missing_id');
    expect(() => readClaims({ sub: '\t', tid: CONSUMER_TID }))
      .to.throw(MicrosoftProfileError)
      .with.property('code', 'missing_id');
    expect(() => readClaims({ oid: 'x', tid: '  ' }))
      .to.throw(MicrosoftProfileError)
      .with.property('code', 'missing_id');
    expect(
      normalizeProfile({ claims: readClaims({ oid: ' ', sub: 's-1', tid: CONSUMER_TID }) }).id,
    ).to.equal('s-1');
  });
});
