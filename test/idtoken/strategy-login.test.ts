/**
 * ID tokens through the Strategy: nonce round trip and replay, both profile sources for personal,
 * work, guest and email-less accounts, request counts per login, allowedTenants, and refresh().
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Strategy } from '../../lib/passport/strategy.js';
import type { FailureInfo } from '../../lib/types.js';
import type { MicrosoftIdTokenClaims, MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { expectIdTokenError, expectIdTokenErrorOutcome } from '../helpers/errors.js';
import { sessionKeyOf, storedVerifier } from '../helpers/microsoft.js';
import {
  authenticate,
  expectError,
  expectFail,
  expectRedirect,
  expectSuccess,
  fakeRequest,
  queryOf,
  storedLogin,
} from '../helpers/passport.js';
import type { Outcome } from '../helpers/passport.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  CONSUMER_TID,
  OTHER_TID,
  WORK_TID,
  epoch,
  startFixture,
} from './fixture-server.js';
import type { FixtureKey, IdpFixture } from './fixture-server.js';

const CALLBACK = 'http://127.0.0.1/login/callback';

type Claims = Record<string, unknown>;
type Mode = 'graph' | 'id_token';

interface Account {
  /** ID-token claims besides iss/aud/times/nonce. */
  claims: Claims;
  /** Graph /me body. */
  graph: Record<string, unknown>;
  /** The normalized profile expected in each mode, without provider/_raw/_json/idTokenClaims. */
  expected: (mode: Mode) => Record<string, unknown>;
}

const PERSONAL_OID = '00000000-0000-0000-66f3-3332eca7ea81';
const WORK_OID = '5b1c2f1e-8f0a-4c55-9c31-1f3c1a2b3d4e';
const GUEST_OID = '8a3c7d21-4b9e-4f61-a0d2-6c5e9f1b2a37';
const KIOSK_OID = 'c0ffee00-1234-4abc-9def-0123456789ab';
const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#users/$entity';

const ACCOUNTS: Record<'personal' | 'work' | 'guest' | 'noEmail', Account> = {
  personal: {
    claims: {
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      tid: CONSUMER_TID,
      oid: PERSONAL_OID,
      name: 'Avery Quinn',
      preferred_username: 'avery.quinn@outlook.com',
      email: 'avery.quinn@outlook.com',
    },
    graph: {
      '@odata.context': GRAPH_CONTEXT,
      businessPhones: [],
      displayName: 'Avery Quinn',
      givenName: 'Avery',
      jobTitle: null,
      mail: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: 'Quinn',
      userPrincipalName: 'avery.quinn@outlook.com',
      id: 'fde926f844473904',
    },
    expected: (mode) => ({
      id: PERSONAL_OID,
      displayName: 'Avery Quinn',
      ...(mode === 'graph' ? { name: { givenName: 'Avery', familyName: 'Quinn' } } : {}),
      username: 'avery.quinn@outlook.com',
      emails: [{ value: 'avery.quinn@outlook.com', type: 'home', verified: true }],
      objectId: PERSONAL_OID,
      tenantId: CONSUMER_TID,
      accountType: 'personal',
      ...(mode === 'graph'
        ? { graphId: 'fde926f844473904', userPrincipalName: 'avery.quinn@outlook.com' }
        : {}),
    }),
  },
  work: {
    claims: {
      sub: 'dR8KZ3qkVsl0mV7b4mBfVb2m9yVZ2w1s0cE2hQ5Yb8o',
      tid: WORK_TID,
      oid: WORK_OID,
      name: 'Morgan Lee',
      given_name: 'Morgan',
      family_name: 'Lee',
      preferred_username: 'morgan.lee@contoso.example',
      email: 'Morgan.Lee@contoso.example',
      xms_edov: true,
    },
    graph: {
      '@odata.context': GRAPH_CONTEXT,
      businessPhones: ['+1 425 555 0109'],
      displayName: 'Morgan Lee (Contoso)',
      givenName: 'Morgan',
      jobTitle: 'Engineer',
      mail: 'morgan.lee@contoso.example',
      mobilePhone: null,
      officeLocation: '18/2111',
      preferredLanguage: 'en-US',
      surname: 'Lee',
      userPrincipalName: 'morgan.lee@contoso.example',
      id: WORK_OID,
    },
    expected: (mode) => ({
      id: WORK_OID,
      displayName: mode === 'graph' ? 'Morgan Lee (Contoso)' : 'Morgan Lee',
      name: { givenName: 'Morgan', familyName: 'Lee' },
      username: 'morgan.lee@contoso.example',
      // The claim comes first; Graph's mail is the same address in another case.
      emails: [{ value: 'Morgan.Lee@contoso.example', type: 'work', verified: true }],
      objectId: WORK_OID,
      tenantId: WORK_TID,
      accountType: 'work',
      isGuest: false,
      ...(mode === 'graph'
        ? {
            graphId: WORK_OID,
            userPrincipalName: 'morgan.lee@contoso.example',
            jobTitle: 'Engineer',
            officeLocation: '18/2111',
            preferredLanguage: 'en-US',
            businessPhones: ['+1 425 555 0109'],
          }
        : {}),
    }),
  },
  guest: {
    claims: {
      sub: 'q2Xz0nJcH8m6bYV3rTtPp7f5WkLw4d9sUe1aG0iRyHc',
      tid: WORK_TID,
      oid: GUEST_OID,
      idp: 'live.com',
      name: 'Riley Park',
      preferred_username: 'riley.park@outlook.com',
      email: 'riley.park@outlook.com',
    },
    graph: {
      '@odata.context': GRAPH_CONTEXT,
      businessPhones: [],
      displayName: 'Riley Park',
      givenName: null,
      jobTitle: null,
      mail: 'riley.park@outlook.com',
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: null,
      userPrincipalName: 'riley.park_outlook.com#EXT#@contoso.onmicrosoft.com',
      id: GUEST_OID,
    },
    expected: (mode) => ({
      id: GUEST_OID,
      displayName: 'Riley Park',
      username: 'riley.park@outlook.com',
      // A guest is a member of the work tenant; its email claim is not vouched for (no xms_edov).
      emails: [{ value: 'riley.park@outlook.com', type: 'work', verified: false }],
      objectId: GUEST_OID,
      tenantId: WORK_TID,
      accountType: 'work',
      idp: 'live.com',
      isGuest: true,
      ...(mode === 'graph'
        ? {
            graphId: GUEST_OID,
            userPrincipalName: 'riley.park_outlook.com#EXT#@contoso.onmicrosoft.com',
          }
        : {}),
    }),
  },
  noEmail: {
    claims: {
      sub: 'Zk3Lm9Qp2Rs5Tu8Vw1Xy4Za7Bc0De3Fg6Hi9Jk2Lm5N',
      tid: WORK_TID,
      oid: KIOSK_OID,
      name: 'Kiosk 01',
      preferred_username: 'kiosk01@contoso.example',
    },
    graph: {
      '@odata.context': GRAPH_CONTEXT,
      businessPhones: [],
      displayName: 'Kiosk 01',
      givenName: null,
      jobTitle: null,
      mail: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: null,
      userPrincipalName: 'kiosk01@contoso.example',
      id: KIOSK_OID,
    },
    expected: (mode) => ({
      id: KIOSK_OID,
      displayName: 'Kiosk 01',
      username: 'kiosk01@contoso.example',
      objectId: KIOSK_OID,
      tenantId: WORK_TID,
      accountType: 'work',
      isGuest: false,
      ...(mode === 'graph'
        ? { graphId: KIOSK_OID, userPrincipalName: 'kiosk01@contoso.example' }
        : {}),
    }),
  },
};

function randomId(): string {
  return randomBytes(12).toString('base64url');
}

function expectFail403(outcome: Outcome): FailureInfo {
  const { challenge, status } = expectFail(outcome);
  expect(status).to.equal(403);
  expect(challenge).to.be.an('object');
  return challenge as FailureInfo;
}

describe('ID token through the Strategy', () => {
  let fx: IdpFixture;

  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(() => {
    fx.resetCounts();
  });

  interface StrategyUnderTest {
    strategy: Strategy;
    /** Profiles handed to the verify callback. */
    profiles: MicrosoftProfile[];
  }

  function makeStrategy(
    options: Partial<StrategyOptions> = {},
    tenant = 'common',
  ): StrategyUnderTest {
    const profiles: MicrosoftProfile[] = [];
    const strategy = new Strategy(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: CALLBACK,
        authority: fx.authority(tenant),
        graphBaseURL: `${fx.origin}/v1.0`,
        ...options,
      },
      (
        _accessToken: string,
        _refreshToken: string | undefined,
        profile: MicrosoftProfile,
        done,
      ) => {
        profiles.push(profile);
        done(null, { id: profile.id, tenantId: profile.tenantId });
      },
    );
    return { strategy, profiles };
  }

  function idTokenClaims(account: Claims, nonce: string | undefined, extra: Claims = {}): Claims {
    const now = epoch();
    const tid = String(account['tid']);
    const claims: Claims = {
      ver: '2.0',
      iss: fx.issuer(tid),
      aud: CLIENT_ID,
      iat: now - 5,
      nbf: now - 5,
      exp: now + 3600,
      ...account,
      ...extra,
    };
    if (nonce !== undefined) claims['nonce'] = nonce;
    return claims;
  }

  interface Authorized {
    session: Record<string, unknown>;
    state: string;
    nonce: string;
  }

  /** The authorize leg: the redirect to Microsoft and the nonce read back from the session store. */
  async function authorize(
    strategy: Strategy,
    session: Record<string, unknown> = {},
  ): Promise<Authorized> {
    const start = expectRedirect(
      await authenticate(strategy, fakeRequest({ url: '/login', session })),
    );
    const { state, nonce: sentNonce } = queryOf(start.url);
    expect(state).to.be.a('string').and.not.equal('');
    const stored = storedLogin(session, sessionKeyOf(strategy, CLIENT_ID), state ?? '');
    expect(stored, 'pending login in the session').to.not.equal(undefined);
    const nonce = stored?.s.nonce;
    expect(nonce).to.be.a('string').with.length.at.least(16);
    expect(sentNonce, 'the nonce sent to Microsoft is the stored one').to.equal(nonce);
    return { session, state: state ?? '', nonce: String(nonce) };
  }

  interface CallbackSpec {
    /** The id_token to return (omit the member to return none). */
    idToken?: string;
    graph?: Record<string, unknown>;
    code?: string;
  }

  /** The callback leg: registers the token answer for a fresh code, then calls back. */
  async function callback(
    strategy: Strategy,
    auth: Authorized,
    spec: CallbackSpec,
  ): Promise<{ outcome: Outcome; code: string }> {
    const code = spec.code ?? randomId();
    const accessToken = `at-${randomId()}`;
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: 'openid profile email User.Read',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
      refresh_token: `rt-${randomId()}`,
    };
    if (spec.idToken !== undefined) body['id_token'] = spec.idToken;
    fx.tokenAnswers.set(code, { body });
    if (spec.graph !== undefined) fx.graphUsers.set(accessToken, spec.graph);
    const url = `/login/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(auth.state)}`;
    const outcome = await authenticate(strategy, fakeRequest({ url, session: auth.session }));
    return { outcome, code };
  }

  async function fullLogin(
    h: StrategyUnderTest,
    account: Account,
    options: { key?: FixtureKey; extraClaims?: Claims } = {},
  ): Promise<{ outcome: Outcome; claims: Claims; auth: Authorized; code: string }> {
    const auth = await authorize(h.strategy);
    const claims = idTokenClaims(account.claims, auth.nonce, options.extraClaims);
    const idToken = await fx.sign(claims, options.key ? { key: options.key } : {});
    const { outcome, code } = await callback(h.strategy, auth, { idToken, graph: account.graph });
    return { outcome, claims, auth, code };
  }

  describe('profiles', () => {
    for (const mode of ['graph', 'id_token'] as const) {
      for (const [label, account] of Object.entries(ACCOUNTS)) {
        it(`${label} account, profileSource '${mode}': the whole normalized profile`, async () => {
          const h = makeStrategy({ profileSource: mode });
          const { outcome, claims } = await fullLogin(h, account);
          expect(expectSuccess(outcome).user).to.deep.equal({
            id: claims['oid'],
            tenantId: claims['tid'],
          });
          expect(h.profiles).to.have.length(1);
          const expected: Record<string, unknown> = {
            provider: 'microsoft',
            ...account.expected(mode),
            idTokenClaims: claims,
            _raw: mode === 'graph' ? JSON.stringify(account.graph) : JSON.stringify(claims),
            _json: mode === 'graph' ? account.graph : claims,
          };
          expect(h.profiles[0]).to.deep.equal(expected);
          expect(fx.count('token')).to.equal(1);
          expect(fx.count('graph.me')).to.equal(mode === 'graph' ? 1 : 0);
        });
      }
    }

    it("profileSource 'id_token': one token request per login, no Graph call, JWKS fetched on the first login only", async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const first = await fullLogin(h, ACCOUNTS.work);
      expect(first.outcome.action).to.equal('success');
      expect(fx.count('token')).to.equal(1);
      expect(fx.count('graph.me')).to.equal(0);
      expect(fx.count('jwks')).to.equal(1);
      expect(fx.count('other')).to.equal(0);
      expect(fx.requests().map((r) => r.route)).to.deep.equal(['token', 'jwks']);
      expect(h.strategy.jwksFetchCount).to.equal(1);

      fx.resetCounts();
      const second = await fullLogin(h, ACCOUNTS.personal);
      expect(second.outcome.action).to.equal('success');
      expect(fx.requests().map((r) => r.route)).to.deep.equal(['token']);
      expect(h.strategy.jwksFetchCount).to.equal(1);
    });

    it("profileSource 'graph': token, JWKS once, and one Graph /me per login", async () => {
      const h = makeStrategy();
      expectSuccess((await fullLogin(h, ACCOUNTS.work)).outcome);
      expect(fx.requests().map((r) => r.route)).to.deep.equal(['token', 'jwks', 'graph.me']);
      fx.resetCounts();
      expectSuccess((await fullLogin(h, ACCOUNTS.guest)).outcome);
      expect(fx.requests().map((r) => r.route)).to.deep.equal(['token', 'graph.me']);
    });

    it('the token request carries the PKCE verifier and the code of this login', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const auth = await authorize(h.strategy);
      // Read before the callback: the store forgets the pending login once it is used.
      const verifier = storedVerifier(
        auth.session,
        sessionKeyOf(h.strategy, CLIENT_ID),
        auth.state,
      );
      expect(verifier).to.have.length.at.least(43);
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.personal.claims, auth.nonce));
      const { outcome, code } = await callback(h.strategy, auth, { idToken });
      expectSuccess(outcome);
      expect(fx.count('token')).to.equal(1);
      const [tokenRequest] = fx.requests('token');
      expect(tokenRequest?.form?.get('grant_type')).to.equal('authorization_code');
      expect(tokenRequest?.form?.get('code')).to.equal(code);
      expect(tokenRequest?.form?.get('code_verifier')).to.equal(verifier);
      expect(tokenRequest?.form?.get('redirect_uri')).to.equal(CALLBACK);
    });

    it('100 concurrent logins on a cold cache → exactly 1 JWKS request', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const auths: Authorized[] = [];
      for (let i = 0; i < 100; i++) auths.push(await authorize(h.strategy));
      const tokens = await Promise.all(
        auths.map((a, i) =>
          fx.sign(
            idTokenClaims(i % 2 === 0 ? ACCOUNTS.work.claims : ACCOUNTS.personal.claims, a.nonce),
          ),
        ),
      );
      const outcomes = await Promise.all(
        auths.map((a, i) => callback(h.strategy, a, { idToken: tokens[i] ?? '' })),
      );
      expect(outcomes.map((o) => o.outcome.action)).to.deep.equal(
        Array.from({ length: 100 }, () => 'success'),
      );
      expect(fx.count('jwks')).to.equal(1);
      expect(fx.count('token')).to.equal(100);
      expect(fx.count('graph.me')).to.equal(0);
      expect(h.strategy.jwksFetchCount).to.equal(1);
    });
  });

  describe('authorities end to end', () => {
    it('a personal account under consumers', async () => {
      const h = makeStrategy({ profileSource: 'id_token' }, 'consumers');
      const { outcome } = await fullLogin(h, ACCOUNTS.personal);
      expect(outcome.action).to.equal('success');
      expect(fx.requests('jwks').map((r) => r.path)).to.deep.equal([
        '/consumers/discovery/v2.0/keys',
      ]);
    });

    it('a work account under its tenant GUID', async () => {
      const h = makeStrategy({ profileSource: 'id_token' }, WORK_TID);
      const { outcome } = await fullLogin(h, ACCOUNTS.work);
      expect(outcome.action).to.equal('success');
      expect(fx.requests('jwks').map((r) => r.path)).to.deep.equal([
        `/${WORK_TID}/discovery/v2.0/keys`,
      ]);
    });

    it('a personal account under organizations → error tenant, never a login', async () => {
      const h = makeStrategy({ profileSource: 'id_token' }, 'organizations');
      const { outcome } = await fullLogin(h, ACCOUNTS.personal);
      expectIdTokenErrorOutcome(outcome, 'tenant');
      expect(h.profiles).to.have.length(0);
    });

    it('a work account under consumers → error tenant', async () => {
      const h = makeStrategy({ profileSource: 'id_token' }, 'consumers');
      const { outcome } = await fullLogin(h, ACCOUNTS.work);
      expectIdTokenErrorOutcome(outcome, 'tenant');
    });

    it('another tenant under a GUID authority → error issuer', async () => {
      const h = makeStrategy({ profileSource: 'id_token' }, OTHER_TID);
      const { outcome } = await fullLogin(h, ACCOUNTS.work);
      expectIdTokenErrorOutcome(outcome, 'issuer');
    });

    it('a work account under its verified domain: issuer read once from the discovery document', async () => {
      fx.domains.set('contoso.example', WORK_TID);
      const h = makeStrategy({ profileSource: 'id_token' }, 'contoso.example');
      expect((await fullLogin(h, ACCOUNTS.work)).outcome.action).to.equal('success');
      expect((await fullLogin(h, ACCOUNTS.guest)).outcome.action).to.equal('success');
      expect(fx.requests('discovery').map((r) => r.path)).to.deep.equal([
        '/contoso.example/v2.0/.well-known/openid-configuration',
      ]);
    });

    it('another tenant under a domain authority → error issuer', async () => {
      fx.domains.set('contoso.example', WORK_TID);
      const h = makeStrategy({ profileSource: 'id_token' }, 'contoso.example');
      const { outcome } = await fullLogin(h, {
        ...ACCOUNTS.work,
        claims: { ...ACCOUNTS.work.claims, tid: OTHER_TID },
      });
      expectIdTokenErrorOutcome(outcome, 'issuer');
      const personal = await fullLogin(h, ACCOUNTS.personal);
      expectIdTokenErrorOutcome(personal.outcome, 'issuer');
    });

    it('a domain authority whose discovery document fails → error issuer, retried on the next login', async () => {
      fx.domains.set('contoso.example', WORK_TID);
      fx.discoveryFailure = 503;
      try {
        const h = makeStrategy({ profileSource: 'id_token' }, 'contoso.example');
        expectIdTokenErrorOutcome((await fullLogin(h, ACCOUNTS.work)).outcome, 'issuer');
        fx.discoveryFailure = undefined;
        expect((await fullLogin(h, ACCOUNTS.work)).outcome.action).to.equal('success');
        expect(fx.count('discovery')).to.equal(2);
      } finally {
        fx.discoveryFailure = undefined;
      }
    });

    it('a work token signed with the consumer-bound key (common) → error issuer', async () => {
      const h = makeStrategy();
      const { outcome } = await fullLogin(h, ACCOUNTS.work, { key: fx.consumerKey });
      expectIdTokenErrorOutcome(outcome, 'issuer');
      expect(fx.count('graph.me')).to.equal(0);
    });
  });

  describe('nonce and replay', () => {
    it('a replayed callback (same state and code) fails with 403 and makes no token request', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const auth = await authorize(h.strategy);
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.work.claims, auth.nonce));
      const code = randomId();
      const first = await callback(h.strategy, auth, { idToken, code });
      expect(first.outcome.action).to.equal('success');
      // The same code is honoured again by the fixture, so only the strategy can stop the replay.
      const replay = await callback(h.strategy, auth, { idToken, code });
      const info = expectFail403(replay.outcome);
      expect(info.message).to.match(/state/i);
      expect(fx.count('token')).to.equal(1);
      expect(h.profiles).to.have.length(1);
    });

    it('an ID token from an earlier login replayed into a new login → error nonce', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const first = await fullLogin(h, ACCOUNTS.work);
      expect(first.outcome.action).to.equal('success');
      const stolen = await fx.sign(first.claims);
      const auth = await authorize(h.strategy);
      expect(auth.nonce).to.not.equal(first.auth.nonce);
      const { outcome } = await callback(h.strategy, auth, { idToken: stolen });
      expectIdTokenErrorOutcome(outcome, 'nonce');
      expect(h.profiles).to.have.length(1);
    });

    it('an ID token without a nonce → error nonce', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const auth = await authorize(h.strategy);
      const { outcome } = await callback(h.strategy, auth, {
        idToken: await fx.sign(idTokenClaims(ACCOUNTS.work.claims, undefined)),
      });
      expectIdTokenErrorOutcome(outcome, 'nonce');
    });

    it('an ID token with another nonce → error nonce', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const auth = await authorize(h.strategy);
      const { outcome } = await callback(h.strategy, auth, {
        idToken: await fx.sign(idTokenClaims(ACCOUNTS.work.claims, `${auth.nonce}x`)),
      });
      expectIdTokenErrorOutcome(outcome, 'nonce');
    });

    it('each login gets its own nonce; two pending logins in one session each need their own', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      const session: Record<string, unknown> = {};
      const a = await authorize(h.strategy, session);
      const b = await authorize(h.strategy, session);
      expect(a.nonce).to.not.equal(b.nonce);
      // b's callback carrying a's token is refused; a's own callback still works.
      const crossed = await callback(h.strategy, b, {
        idToken: await fx.sign(idTokenClaims(ACCOUNTS.work.claims, a.nonce)),
      });
      expectIdTokenErrorOutcome(crossed.outcome, 'nonce');
      const own = await callback(h.strategy, a, {
        idToken: await fx.sign(idTokenClaims(ACCOUNTS.work.claims, a.nonce)),
      });
      expect(own.outcome.action).to.equal('success');
    });

    it('no id_token although openid was requested → error missing', async () => {
      const h = makeStrategy();
      const auth = await authorize(h.strategy);
      const { outcome } = await callback(h.strategy, auth, { graph: ACCOUNTS.work.graph });
      expectIdTokenErrorOutcome(outcome, 'missing');
      expect(fx.count('graph.me')).to.equal(0);
      expect(h.profiles).to.have.length(0);
    });

    it('a forged signature through the Strategy → error signature, no Graph call', async () => {
      const h = makeStrategy();
      const auth = await authorize(h.strategy);
      const stranger = await fx.makeKey(fx.templatedIssuer);
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.work.claims, auth.nonce), {
        key: stranger,
        kid: fx.templatedKey.kid,
      });
      const { outcome } = await callback(h.strategy, auth, { idToken, graph: ACCOUNTS.work.graph });
      expectIdTokenErrorOutcome(outcome, 'signature');
      expect(fx.count('graph.me')).to.equal(0);
    });

    it('an expired ID token through the Strategy → error expired', async () => {
      const h = makeStrategy({ clockTolerance: 60 });
      const auth = await authorize(h.strategy);
      const now = epoch();
      const idToken = await fx.sign(
        idTokenClaims(ACCOUNTS.work.claims, auth.nonce, {
          iat: now - 7200,
          nbf: now - 7200,
          exp: now - 3600,
        }),
      );
      const { outcome } = await callback(h.strategy, auth, { idToken });
      expectIdTokenErrorOutcome(outcome, 'expired');
    });
  });

  describe('signing keys', () => {
    it('the JWKS endpoint down on the first login → error jwks_unavailable, never a login; the next login recovers', async () => {
      fx.jwksFailure = 500;
      try {
        const h = makeStrategy();
        const first = await fullLogin(h, ACCOUNTS.work);
        expectIdTokenErrorOutcome(first.outcome, 'jwks_unavailable');
        expect(h.profiles).to.have.length(0);
        expect(fx.count('graph.me')).to.equal(0);
        fx.jwksFailure = undefined;
        expect((await fullLogin(h, ACCOUNTS.work)).outcome.action).to.equal('success');
        expect(h.strategy.jwksFetchCount).to.equal(2);
      } finally {
        fx.jwksFailure = undefined;
      }
    });

    it('a key rotated in between logins → one refetch, then success', async () => {
      const h = makeStrategy({ profileSource: 'id_token' });
      expect((await fullLogin(h, ACCOUNTS.work)).outcome.action).to.equal('success');
      const fresh = await fx.rotate();
      try {
        expect((await fullLogin(h, ACCOUNTS.work, { key: fresh })).outcome.action).to.equal(
          'success',
        );
        expect(fx.count('jwks')).to.equal(2);
        expect(h.strategy.jwksFetchCount).to.equal(2);
      } finally {
        fx.unpublish(fresh.kid);
      }
    });
  });

  describe('allowedTenants', () => {
    async function loginWith(
      allowedTenants: StrategyOptions['allowedTenants'],
      account: Account = ACCOUNTS.work,
    ): Promise<{ outcome: Outcome; h: StrategyUnderTest }> {
      const h = makeStrategy(allowedTenants === undefined ? {} : { allowedTenants });
      const { outcome } = await fullLogin(h, account);
      return { outcome, h };
    }

    function expectRefused(outcome: Outcome, h: StrategyUnderTest, tid: string): void {
      const info = expectFail403(outcome);
      expect(info.message).to.be.a('string').and.include(tid);
      expect(info['tenantId']).to.equal(tid);
      expect(h.profiles, 'verify callback not called').to.have.length(0);
      expect(fx.count('graph.me'), 'no Graph call for a refused tenant').to.equal(0);
    }

    it('array: allowed (tenant ids compared case-insensitively)', async () => {
      const { outcome, h } = await loginWith([OTHER_TID, WORK_TID.toUpperCase()]);
      expect(outcome.action).to.equal('success');
      expect(h.profiles[0]?.tenantId).to.equal(WORK_TID);
    });

    it('array: refused → fail 403 naming the tenant', async () => {
      const { outcome, h } = await loginWith([OTHER_TID]);
      expectRefused(outcome, h, WORK_TID);
    });

    it('array: a personal account refused by a work-only list', async () => {
      const { outcome, h } = await loginWith([WORK_TID], ACCOUNTS.personal);
      expectRefused(outcome, h, CONSUMER_TID);
    });

    it('sync function: allowed, called with the tid and the verified claims', async () => {
      const calls: Array<[string, MicrosoftIdTokenClaims]> = [];
      const { outcome } = await loginWith((tid, claims) => {
        calls.push([tid, claims]);
        return tid === WORK_TID;
      });
      expect(outcome.action).to.equal('success');
      expect(calls).to.have.length(1);
      expect(calls[0]?.[0]).to.equal(WORK_TID);
      expect(calls[0]?.[1]).to.include({ oid: WORK_OID, tid: WORK_TID, aud: CLIENT_ID });
    });

    it('sync function: refused → fail 403 naming the tenant', async () => {
      const { outcome, h } = await loginWith((tid) => tid === OTHER_TID);
      expectRefused(outcome, h, WORK_TID);
    });

    it('async function: allowed', async () => {
      const { outcome } = await loginWith(async (tid) => {
        await new Promise((resolve) => setImmediate(resolve));
        return tid === WORK_TID;
      });
      expect(outcome.action).to.equal('success');
    });

    it('async function: refused → fail 403 naming the tenant', async () => {
      const { outcome, h } = await loginWith(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return false;
      });
      expectRefused(outcome, h, WORK_TID);
    });

    it('a function that throws → error (never a login)', async () => {
      const boom = new Error('tenant directory unavailable');
      const { outcome, h } = await loginWith(() => {
        throw boom;
      });
      expect(expectError(outcome)).to.equal(boom);
      expect(h.profiles).to.have.length(0);
    });

    it('the tenant check runs on the verified token only: a forged tid never reaches it', async () => {
      const seen: string[] = [];
      const h = makeStrategy({
        allowedTenants: (tid) => {
          seen.push(tid);
          return true;
        },
      });
      const auth = await authorize(h.strategy);
      const forged = await fx.sign(
        idTokenClaims({ ...ACCOUNTS.work.claims, tid: OTHER_TID }, auth.nonce, {
          iss: fx.issuer(WORK_TID),
        }),
      );
      const { outcome } = await callback(h.strategy, auth, { idToken: forged });
      expectIdTokenErrorOutcome(outcome, 'issuer');
      expect(seen).to.deep.equal([]);
    });
  });

  describe('refresh()', () => {
    function refreshAnswer(idToken: string | undefined): string {
      const refreshToken = `rt-${randomId()}`;
      const body: Record<string, unknown> = {
        token_type: 'Bearer',
        scope: 'openid profile email User.Read',
        expires_in: 3599,
        access_token: `at-${randomId()}`,
        refresh_token: `rt-${randomId()}`,
      };
      if (idToken !== undefined) body['id_token'] = idToken;
      fx.tokenAnswers.set(refreshToken, { body });
      return refreshToken;
    }

    it('verifies a returned id_token and returns its claims', async () => {
      const h = makeStrategy();
      const claims = idTokenClaims(ACCOUNTS.work.claims, undefined);
      const idToken = await fx.sign(claims);
      const set = await h.strategy.refresh(refreshAnswer(idToken));
      expect(set.idToken).to.equal(idToken);
      expect(set.claims).to.deep.equal(claims);
      const [req] = fx.requests('token');
      expect(req?.form?.get('grant_type')).to.equal('refresh_token');
    });

    it('a returned id_token with a bad signature → MicrosoftIdTokenError signature', async () => {
      const h = makeStrategy();
      const stranger = await fx.makeKey(fx.templatedIssuer);
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.work.claims, undefined), {
        key: stranger,
        kid: fx.templatedKey.kid,
      });
      await expectIdTokenError(h.strategy.refresh(refreshAnswer(idToken)), 'signature');
    });

    it('a returned id_token for another app → MicrosoftIdTokenError audience', async () => {
      const h = makeStrategy();
      const idToken = await fx.sign(
        idTokenClaims(ACCOUNTS.work.claims, undefined, {
          aud: '00000003-0000-0000-c000-000000000000',
        }),
      );
      await expectIdTokenError(h.strategy.refresh(refreshAnswer(idToken)), 'audience');
    });

    it('a returned id_token from a tenant the authority excludes → MicrosoftIdTokenError tenant', async () => {
      const h = makeStrategy({}, 'organizations');
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.personal.claims, undefined));
      await expectIdTokenError(h.strategy.refresh(refreshAnswer(idToken)), 'tenant');
    });

    it('a returned id_token from a tenant allowedTenants refuses → MicrosoftIdTokenError tenant', async () => {
      const h = makeStrategy({ allowedTenants: [OTHER_TID] });
      const idToken = await fx.sign(idTokenClaims(ACCOUNTS.work.claims, undefined));
      await expectIdTokenError(h.strategy.refresh(refreshAnswer(idToken)), 'tenant');
    });

    it('no id_token in the answer → no claims', async () => {
      const h = makeStrategy();
      const set = await h.strategy.refresh(refreshAnswer(undefined));
      expect(set).to.not.have.property('claims');
      expect(set).to.not.have.property('idToken');
      expect(fx.count('jwks')).to.equal(0);
    });
  });
});
