import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MicrosoftProfileError } from '../../lib/errors.js';
import { readClaims } from '../../lib/profile/claims.js';
import { parseGraphUser, readGraphUser } from '../../lib/profile/graph-user.js';
import { isEmailAddress, normalizeProfile } from '../../lib/profile/normalize.js';
import type { NormalizedProfile } from '../../lib/profile/normalize.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftIdTokenClaims, MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { startFakeServer } from '../helpers/fake-server.js';
import type { FakeServer } from '../helpers/fake-server.js';
import { deepFreeze } from '../helpers/freeze.js';
import {
  ACCESS_TOKEN,
  ME_ROUTE,
  TOKEN_ROUTE,
  fakeOptions,
  login,
  recordingVerify,
  tokenResponse,
} from '../helpers/microsoft.js';
import { expectSuccess } from '../helpers/passport.js';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'graph');

function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');
}

function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

function claims(name: string): MicrosoftIdTokenClaims {
  return readClaims(fixture(name));
}

function graph(name: string): ReturnType<typeof readGraphUser> {
  return readGraphUser(fixture(name));
}

const WORK_ID = '87d349ed-44d7-43e1-9a83-5f2406dee5bd';
const WORK_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CONSUMERS_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** The profiles normalizeProfile builds from these Graph fixtures alone (no claims). */
/** The typed Graph fields of fixtures/graph/work.json. */
const WORK_GRAPH_FIELDS = {
  jobTitle: 'Retail Manager',
  mobilePhone: '+1 425 555 0109',
  officeLocation: '18/2111',
  preferredLanguage: 'en-US',
  businessPhones: ['+1 425 555 0109'],
};

const FROM_GRAPH = {
  work: {
    id: WORK_ID,
    displayName: 'Adele Vance',
    name: { givenName: 'Adele', familyName: 'Vance' },
    username: 'AdeleV@contoso.com',
    emails: [{ value: 'AdeleV@contoso.com', type: 'work', verified: false }],
    graphId: WORK_ID,
    userPrincipalName: 'AdeleV@contoso.com',
    ...WORK_GRAPH_FIELDS,
  },
  minimal: { id: '0a1b2c3d4e5f6a7b', displayName: '', graphId: '0a1b2c3d4e5f6a7b' },
  'wrong-types': { id: '9f8e7d6c5b4a3921', displayName: '', graphId: '9f8e7d6c5b4a3921' },
} satisfies Record<string, NormalizedProfile>;

describe('unit: Graph /me parsing', () => {
  it('keeps the string fields of a work account', () => {
    expect(graph('work')).to.deep.equal({
      id: WORK_ID,
      displayName: 'Adele Vance',
      givenName: 'Adele',
      surname: 'Vance',
      userPrincipalName: 'AdeleV@contoso.com',
      mail: 'AdeleV@contoso.com',
      ...WORK_GRAPH_FIELDS,
    });
  });

  it('leaves out null mail of a personal account', () => {
    expect(graph('personal')).to.deep.equal({
      id: 'fde926f844473904',
      displayName: 'Steven Lu',
      givenName: 'Steven',
      surname: 'Lu',
      userPrincipalName: 'tacticalazn@outlook.com',
    });
  });

  it('leaves out an empty userPrincipalName', () => {
    expect(graph('personal-gmail')).to.deep.equal({
      id: '3c9a6e21b07d45f8',
      displayName: 'Jordan Reyes',
      givenName: 'Jordan',
      surname: 'Reyes',
      mail: 'jordan.reyes@gmail.com',
    });
  });

  it('reads a body with only an id', () => {
    expect(graph('minimal')).to.deep.equal({ id: '0a1b2c3d4e5f6a7b' });
  });

  it('leaves out fields of the wrong type', () => {
    expect(graph('wrong-types')).to.deep.equal({ id: '9f8e7d6c5b4a3921' });
  });

  it('leaves out blank strings', () => {
    expect(graph('not-addresses')).to.deep.equal({
      id: '5d1f0e3a-7b2c-4e8d-9a6f-1c2b3d4e5f60',
      displayName: 'Build Service',
      mail: 'build service',
      userPrincipalName: 'svc-build',
    });
  });

  for (const [value, kind] of [
    [null, 'null'],
    [[], 'an array'],
    ['user', 'a string'],
    [42, 'a number'],
  ] as const) {
    it(`rejects ${kind} with MicrosoftProfileError not_object`, () => {
      expect(() => readGraphUser(value))
        .to.throw(
          MicrosoftProfileError,
          `Microsoft Graph /me returned ${kind} instead of a user object`,
        )
        .with.property('code', 'not_object');
    });
  }

  it('rejects an object without id with MicrosoftProfileError missing_id', () => {
    expect(() => readGraphUser({ displayName: 'No Id' }))
      .to.throw(MicrosoftProfileError, 'Microsoft Graph /me returned a user without an id')
      .with.property('code', 'missing_id');
  });

  it('rejects text that is not JSON with MicrosoftProfileError not_json', () => {
    expect(() => parseGraphUser('{"id": '))
      .to.throw(MicrosoftProfileError)
      .with.property('code', 'not_json');
  });

  it('returns the parsed body next to the checked user', () => {
    const text = fixtureText('personal');
    expect(parseGraphUser(text)).to.deep.equal({
      user: graph('personal'),
      json: JSON.parse(text) as unknown,
    });
  });
});

describe('unit: ID-token claims reading', () => {
  it('accepts claims with tid and oid', () => {
    const c = fixture('claims-work');
    expect(readClaims(c)).to.equal(c);
  });

  it('accepts claims with tid and sub but no oid', () => {
    expect(readClaims(fixture('claims-minimal')).sub).to.equal(
      '_dn4Yq7bPp5Kx1Xl3E2wJlp9rRY4t1Ch9cbKY0xWXWI',
    );
  });

  it('rejects claims that are not an object', () => {
    expect(() => readClaims([1]))
      .to.throw(MicrosoftProfileError, 'ID token claims are an array instead of an object')
      .with.property('code', 'not_object');
  });

  it('rejects claims without tid', () => {
    expect(() => readClaims({ oid: WORK_ID }))
      .to.throw(MicrosoftProfileError, 'ID token claims have no oid/sub or no tid')
      .with.property('code', 'missing_id');
  });

  it('rejects claims without oid and sub', () => {
    expect(() => readClaims({ tid: WORK_TID, oid: '', sub: 5 }))
      .to.throw(MicrosoftProfileError)
      .with.property('code', 'missing_id');
  });
});

describe('unit: email address check', () => {
  it('accepts ordinary and guest-style addresses', () => {
    for (const v of [
      'AdeleV@contoso.com',
      'a.b+c@sub.example.co.uk',
      'adele_fabrikam.com#EXT#@contoso.onmicrosoft.com',
    ])
      expect(isEmailAddress(v), v).to.equal(true);
  });

  it('rejects values that are not addresses', () => {
    for (const v of [
      'svc-build',
      'build service',
      'a@b',
      '@contoso.com',
      'a@@contoso.com',
      'a b@contoso.com',
      '<a@contoso.com>',
      `${'x'.repeat(320)}@contoso.com`,
      5,
      null,
    ]) {
      expect(isEmailAddress(v), String(v)).to.equal(false);
    }
  });
});

describe('unit: profile normalization from Graph alone', () => {
  it('normalizes a work account', () => {
    expect(normalizeProfile({ graph: graph('work') })).to.deep.equal(FROM_GRAPH.work);
  });

  it('does not repeat a UPN equal to mail with addUPNAsEmail', () => {
    expect(normalizeProfile({ graph: graph('work'), addUPNAsEmail: true }).emails).to.deep.equal([
      { value: 'AdeleV@contoso.com', type: 'work', verified: false },
    ]);
  });

  it('adds a different UPN after mail with addUPNAsEmail', () => {
    expect(
      normalizeProfile({ graph: graph('work-upn-differs'), addUPNAsEmail: true }).emails,
    ).to.deep.equal([
      { value: 'megan.bowen@contoso.com', type: 'work', verified: false },
      { value: 'MeganB@contoso.onmicrosoft.com', type: 'work', verified: false },
    ]);
  });

  it('leaves the UPN out of emails without addUPNAsEmail', () => {
    expect(normalizeProfile({ graph: graph('work-upn-differs') }).emails).to.deep.equal([
      { value: 'megan.bowen@contoso.com', type: 'work', verified: false },
    ]);
  });

  it('has no emails key for a personal account with mail null', () => {
    const profile = normalizeProfile({ graph: graph('personal') });
    expect(profile).to.deep.equal({
      id: 'fde926f844473904',
      displayName: 'Steven Lu',
      name: { givenName: 'Steven', familyName: 'Lu' },
      username: 'tacticalazn@outlook.com',
      graphId: 'fde926f844473904',
      userPrincipalName: 'tacticalazn@outlook.com',
    });
    expect(profile).to.not.have.property('emails');
  });

  it('offers the personal UPN as an email only with addUPNAsEmail', () => {
    expect(
      normalizeProfile({ graph: graph('personal'), addUPNAsEmail: true }).emails,
    ).to.deep.equal([{ value: 'tacticalazn@outlook.com', type: 'work', verified: false }]);
  });

  it('uses mail and has no username for a personal account with an empty UPN', () => {
    const profile = normalizeProfile({ graph: graph('personal-gmail'), addUPNAsEmail: true });
    expect(profile).to.deep.equal({
      id: '3c9a6e21b07d45f8',
      displayName: 'Jordan Reyes',
      name: { givenName: 'Jordan', familyName: 'Reyes' },
      emails: [{ value: 'jordan.reyes@gmail.com', type: 'work', verified: false }],
      graphId: '3c9a6e21b07d45f8',
    });
    expect(profile).to.not.have.any.keys('username', 'userPrincipalName');
  });

  it('reduces a body with only an id to id, empty displayName and graphId', () => {
    const profile = normalizeProfile({ graph: graph('minimal') });
    expect(profile).to.deep.equal(FROM_GRAPH.minimal);
    expect(profile).to.not.have.any.keys(
      'name',
      'emails',
      'username',
      'userPrincipalName',
      'objectId',
      'tenantId',
      'accountType',
      'idTokenClaims',
    );
  });

  it('never turns wrongly typed fields into strings, nulls or undefined', () => {
    const profile = normalizeProfile({ graph: graph('wrong-types'), addUPNAsEmail: true });
    expect(profile).to.deep.equal(FROM_GRAPH['wrong-types']);
    for (const value of Object.values(profile))
      expect(value).to.not.equal(null).and.not.equal(undefined);
  });

  it('drops values that are not addresses and blank name parts', () => {
    const profile = normalizeProfile({ graph: graph('not-addresses'), addUPNAsEmail: true });
    expect(profile).to.deep.equal({
      id: '5d1f0e3a-7b2c-4e8d-9a6f-1c2b3d4e5f60',
      displayName: 'Build Service',
      username: 'svc-build',
      graphId: '5d1f0e3a-7b2c-4e8d-9a6f-1c2b3d4e5f60',
      userPrincipalName: 'svc-build',
    });
  });

  it('builds name with only the part that exists', () => {
    expect(normalizeProfile({ graph: { id: 'x', surname: 'Vance' } }).name).to.deep.equal({
      familyName: 'Vance',
    });
    expect(normalizeProfile({ graph: { id: 'x', givenName: 'Adele' } }).name).to.deep.equal({
      givenName: 'Adele',
    });
  });

  it('falls back to the UPN for displayName', () => {
    expect(
      normalizeProfile({ graph: { id: 'x', userPrincipalName: 'AdeleV@contoso.com' } }).displayName,
    ).to.equal('AdeleV@contoso.com');
  });

  it('removes duplicates case-insensitively and keeps the first spelling', () => {
    expect(
      normalizeProfile({
        graph: { id: 'x', mail: 'AdeleV@contoso.com', userPrincipalName: 'adelev@CONTOSO.COM' },
        addUPNAsEmail: true,
      }).emails,
    ).to.deep.equal([{ value: 'AdeleV@contoso.com', type: 'work', verified: false }]);
  });

  it('needs claims or a Graph user', () => {
    expect(() => normalizeProfile({})).to.throw(
      TypeError,
      'normalizeProfile needs claims or a Graph user',
    );
  });
});

describe('unit: profile normalization with ID-token claims', () => {
  it('merges a personal account: oid as id, home email verified, UPN folded into it', () => {
    const c = claims('claims-personal');
    expect(normalizeProfile({ claims: c, graph: graph('personal') })).to.deep.equal({
      id: '00000000-0000-0000-66f3-3332eca7ea81',
      displayName: 'Steven Lu',
      name: { givenName: 'Steven', familyName: 'Lu' },
      username: 'tacticalazn@outlook.com',
      emails: [{ value: 'tacticalazn@outlook.com', type: 'home', verified: true }],
      objectId: '00000000-0000-0000-66f3-3332eca7ea81',
      tenantId: CONSUMERS_TID,
      accountType: 'personal',
      graphId: 'fde926f844473904',
      userPrincipalName: 'tacticalazn@outlook.com',
      idTokenClaims: c,
    });
  });

  it('adds a personal UPN as a verified home email after Graph mail', () => {
    const { email: _dropped, ...noEmail } = claims('claims-personal');
    const profile = normalizeProfile({
      claims: noEmail,
      graph: {
        id: 'fde926f844473904',
        mail: 'steven.lu@live.com',
        userPrincipalName: 'tacticalazn@outlook.com',
      },
    });
    expect(profile.emails).to.deep.equal([
      { value: 'steven.lu@live.com', type: 'home', verified: false },
      { value: 'tacticalazn@outlook.com', type: 'home', verified: true },
    ]);
  });

  it('marks a duplicate verified when a later source vouches for it', () => {
    const { email: _dropped, ...noEmail } = claims('claims-personal');
    const profile = normalizeProfile({
      claims: noEmail,
      graph: {
        id: 'fde926f844473904',
        mail: 'steven.lu@outlook.com',
        userPrincipalName: 'Steven.Lu@Outlook.com',
      },
    });
    expect(profile.emails).to.deep.equal([
      { value: 'steven.lu@outlook.com', type: 'home', verified: true },
    ]);
  });

  it('orders emails: email claim, then Graph mail, then the UPN', () => {
    const profile = normalizeProfile({
      claims: claims('claims-work'),
      graph: graph('work-upn-differs'),
      addUPNAsEmail: true,
    });
    expect(profile.emails).to.deep.equal([
      { value: 'adele.vance@contoso.com', type: 'work', verified: false },
      { value: 'megan.bowen@contoso.com', type: 'work', verified: false },
      { value: 'MeganB@contoso.onmicrosoft.com', type: 'work', verified: false },
    ]);
  });

  it('does not vouch for a work email without xms_edov', () => {
    const c = claims('claims-work');
    expect(normalizeProfile({ claims: c, graph: graph('work') })).to.deep.equal({
      id: WORK_ID,
      displayName: 'Adele Vance',
      name: { givenName: 'Adele', familyName: 'Vance' },
      username: 'AdeleV@contoso.com',
      emails: [
        { value: 'adele.vance@contoso.com', type: 'work', verified: false },
        { value: 'AdeleV@contoso.com', type: 'work', verified: false },
      ],
      objectId: WORK_ID,
      tenantId: WORK_TID,
      accountType: 'work',
      isGuest: false,
      graphId: WORK_ID,
      userPrincipalName: 'AdeleV@contoso.com',
      ...WORK_GRAPH_FIELDS,
      idTokenClaims: c,
    });
  });

  it('vouches for a work email when xms_edov is true, and keeps that through the duplicate mail', () => {
    expect(
      normalizeProfile({
        claims: claims('claims-work-edov'),
        graph: graph('work'),
        addUPNAsEmail: true,
      }).emails,
    ).to.deep.equal([{ value: 'AdeleV@contoso.com', type: 'work', verified: true }]);
  });

  it('does not take xms_edov given as any string but "1" and "true"', () => {
    for (const value of ['false', '0', 'True', 'TRUE', 'yes', '', ' true', 'true ', '1.0', 1, {}]) {
      const c = readClaims({ ...claims('claims-work-edov'), xms_edov: value });
      expect(normalizeProfile({ claims: c }).emails, JSON.stringify(value)).to.deep.equal([
        { value: 'AdeleV@contoso.com', type: 'work', verified: false },
      ]);
    }
  });

  it('xms_edov as the string "1" or "true" vouches for a work email, as true does', () => {
    for (const value of ['1', 'true', true]) {
      const c = readClaims({ ...claims('claims-work-edov'), xms_edov: value });
      expect(normalizeProfile({ claims: c }).emails, JSON.stringify(value)).to.deep.equal([
        { value: 'AdeleV@contoso.com', type: 'work', verified: true },
      ]);
    }
  });

  it('builds a profile from claims alone', () => {
    const c = claims('claims-work');
    const profile = normalizeProfile({ claims: c });
    expect(profile).to.deep.equal({
      id: WORK_ID,
      displayName: 'Adele Vance',
      name: { givenName: 'Adele', familyName: 'Vance' },
      username: 'AdeleV@contoso.com',
      emails: [{ value: 'adele.vance@contoso.com', type: 'work', verified: false }],
      objectId: WORK_ID,
      tenantId: WORK_TID,
      accountType: 'work',
      isGuest: false,
      idTokenClaims: c,
    });
    expect(profile).to.not.have.any.keys('graphId', 'userPrincipalName', 'idp', 'jobTitle');
  });

  it('falls back to sub for the id and leaves the rest out for minimal claims', () => {
    const c = claims('claims-minimal');
    expect(normalizeProfile({ claims: c })).to.deep.equal({
      id: '_dn4Yq7bPp5Kx1Xl3E2wJlp9rRY4t1Ch9cbKY0xWXWI',
      displayName: '',
      tenantId: WORK_TID,
      accountType: 'work',
      isGuest: false,
      idTokenClaims: c,
    });
  });

  it('prefers Graph displayName and names over claims', () => {
    const profile = normalizeProfile({
      claims: claims('claims-work'),
      graph: { id: WORK_ID, displayName: 'Adele V.', givenName: 'Adèle' },
    });
    expect(profile.displayName).to.equal('Adele V.');
    expect(profile.name).to.deep.equal({ givenName: 'Adèle', familyName: 'Vance' });
  });

  it('falls back to preferred_username for displayName', () => {
    const { name: _dropped, ...c } = claims('claims-work');
    expect(normalizeProfile({ claims: c }).displayName).to.equal('AdeleV@contoso.com');
  });

  it('does not mutate its inputs', () => {
    const c = deepFreeze(claims('claims-personal'));
    const g = deepFreeze(graph('personal'));
    const before = structuredClone({ c, g });
    expect(() => normalizeProfile({ claims: c, graph: g, addUPNAsEmail: true })).to.not.throw();
    expect({ c, g }).to.deep.equal(before);
  });
});

describe('unit: profile handed to verify', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeServer({ [TOKEN_ROUTE]: { json: tokenResponse() } });
  });

  afterEach(async () => {
    await server.close();
  });

  async function profileFor(
    name: string,
    extra: Partial<StrategyOptions> = {},
  ): Promise<MicrosoftProfile> {
    server.route(ME_ROUTE, {
      headers: { 'content-type': 'application/json' },
      body: fixtureText(name),
    });
    const rec = recordingVerify();
    expectSuccess(await login(new Strategy(fakeOptions(server, extra), rec.verify)));
    return rec.calls[0]?.[2] as MicrosoftProfile;
  }

  /** The normalized profile of a Graph fixture with provider, _raw (the body as sent) and _json. */
  function expected(name: keyof typeof FROM_GRAPH): MicrosoftProfile {
    return {
      provider: 'microsoft',
      ...FROM_GRAPH[name],
      _raw: fixtureText(name),
      _json: fixture(name) as Record<string, unknown>,
    };
  }

  it('is the work profile with provider, _raw and _json', async () => {
    expect(await profileFor('work')).to.deep.equal(expected('work'));
  });

  it('is the personal profile without emails, or with the UPN under addUPNAsEmail', async () => {
    expect(await profileFor('personal')).to.not.have.property('emails');
    expect((await profileFor('personal', { addUPNAsEmail: true })).emails).to.deep.equal([
      { value: 'tacticalazn@outlook.com', type: 'work', verified: false },
    ]);
  });

  it('is the minimal profile for a body with only an id', async () => {
    expect(await profileFor('minimal')).to.deep.equal(expected('minimal'));
  });

  it('keeps wrongly typed fields in _json only', async () => {
    const profile = await profileFor('wrong-types');
    expect(profile).to.deep.equal(expected('wrong-types'));
    expect(profile._json['displayName']).to.equal(5);
  });

  it('is also what userProfile() returns for an access token', async () => {
    server.route(ME_ROUTE, { body: fixtureText('work') });
    const s = new Strategy(fakeOptions(server), recordingVerify().verify);
    const profile = await new Promise<MicrosoftProfile | undefined>((resolve, reject) =>
      s.userProfile(ACCESS_TOKEN, (err, p) => (err ? reject(err) : resolve(p))),
    );
    expect(profile?.id).to.equal(WORK_ID);
    expect(server.requestsTo(ME_ROUTE)[0]?.headers['authorization']).to.equal(
      `Bearer ${ACCESS_TOKEN}`,
    );
  });

  it('userProfile() passes a Graph failure to its callback', async () => {
    server.route(ME_ROUTE, {
      status: 401,
      json: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } },
    });
    const s = new Strategy(fakeOptions(server), recordingVerify().verify);
    const err = await new Promise<unknown>((resolve) =>
      s.userProfile('expired-token', (e) => resolve(e)),
    );
    expect(err).to.have.property('code', 'InvalidAuthenticationToken');
  });
});
