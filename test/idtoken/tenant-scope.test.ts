/**
 * allowedTenants and profileSource 'id_token' rely on the ID token: a per-request scope without
 * openid must not turn them off.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { expectIdTokenErrorOutcome, rejectionOf } from '../helpers/errors.js';
import { sessionKeyOf } from '../helpers/microsoft.js';
import { authenticate, expectError, fakeRequest } from '../helpers/passport.js';
import { CLIENT_ID, CLIENT_SECRET, OTHER_TID, WORK_TID, startFixture } from './fixture-server.js';
import type { IdpFixture } from './fixture-server.js';

const CALLBACK = 'http://127.0.0.1/login/callback';
const WORK_ME = {
  id: '5b1c2f1e-8f0a-4c55-9c31-1f3c1a2b3d4e',
  displayName: 'Morgan Lee',
  userPrincipalName: 'morgan.lee@contoso.example',
};

describe('ID-token-dependent options and per-request scopes', () => {
  let fx: IdpFixture;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });

  function makeStrategy(options: Partial<StrategyOptions>): {
    strategy: Strategy;
    profiles: Array<MicrosoftProfile | undefined>;
  } {
    const profiles: Array<MicrosoftProfile | undefined> = [];
    const strategy = new Strategy(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: CALLBACK,
        authority: fx.authority('common'),
        graphBaseURL: `${fx.origin}/v1.0`,
        ...options,
      },
      (_at: string, _rt: string | undefined, profile: MicrosoftProfile, done) => {
        profiles.push(profile);
        done(null, { id: profile?.id ?? 'none' });
      },
    );
    return { strategy, profiles };
  }

  for (const [label, options] of [
    ['allowedTenants', { allowedTenants: [OTHER_TID] }],
    ["profileSource 'id_token'", { profileSource: 'id_token' }],
  ] as const) {
    it(`${label}: a login started with a per-request scope without openid is refused`, async () => {
      const { strategy } = makeStrategy(options);
      const outcome = await authenticate(strategy, fakeRequest({ url: '/login', session: {} }), {
        scope: ['User.Read'],
      });
      const err = expectError(outcome);
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.include('openid');
    });
  }

  it('allowedTenants: a pending login saved without openid never signs in a user without a verified tenant', async () => {
    const { strategy, profiles } = makeStrategy({ allowedTenants: [OTHER_TID] });
    const handle = randomBytes(24).toString('base64url');
    const session: Record<string, unknown> = {
      [sessionKeyOf(strategy, CLIENT_ID)]: {
        [handle]: {
          v: randomBytes(32).toString('base64url'),
          s: { '@microsoft': 1, openid: false },
          t: Date.now(),
        },
      },
    };
    const code = randomBytes(12).toString('base64url');
    const accessToken = `at-${randomBytes(12).toString('base64url')}`;
    fx.tokenAnswers.set(code, {
      body: {
        token_type: 'Bearer',
        scope: 'User.Read',
        expires_in: 3599,
        access_token: accessToken,
      },
    });
    fx.graphUsers.set(accessToken, { ...WORK_ME, tid: WORK_TID });
    fx.resetCounts();
    const outcome = await authenticate(
      strategy,
      fakeRequest({ url: `/login/callback?code=${code}&state=${handle}`, session }),
    );
    // The token answer carries no ID token: the login is refused for that, after the code exchange
    // and before any Graph call.
    expectIdTokenErrorOutcome(outcome, 'missing');
    expect(fx.count('token')).to.equal(1);
    expect(fx.count('graph.me')).to.equal(0);
    expect(profiles).to.have.length(0);
  });

  it('allowedTenants: refresh() with a scope without openid is refused before any token request', async () => {
    const { strategy } = makeStrategy({ allowedTenants: [WORK_TID] });
    fx.resetCounts();
    expect(
      await rejectionOf(strategy.refresh('rt-any', { scope: ['User.Read'] })),
    ).to.be.instanceOf(TypeError);
    expect(fx.count('token')).to.equal(0);
  });
});
