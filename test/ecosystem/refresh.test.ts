/**
 * Refresh tokens against the emulator: the community add-on passport-oauth2-refresh
 * (`refresh.use(strategy)`, `refresh.requestNewAccessToken(...)`) and `strategy.refresh()`.
 */
import { expect } from 'chai';
import refresh from 'passport-oauth2-refresh';
import {
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_ID,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator, EmulatorClient } from 'microsoft-identity-emulator';
import { MicrosoftTokenError } from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile, VerifyCallback } from '../../lib/types.js';
import { demoUser, loginThroughEmulator } from '../helpers/emulator.js';
import { rejectionOf } from '../helpers/errors.js';
import { expectSuccess } from '../helpers/passport.js';
import { requestNewAccessToken } from '../helpers/refresh.js';

const CALLBACK_URL = 'http://127.0.0.1:3000/login/callback';

const OTHER_CLIENT: EmulatorClient & { clientSecret: string } = {
  clientID: '0b7e6d5c-4a39-4281-9f0e-1d2c3b4a5f60',
  clientSecret: 'other-app-secret~abcdefghijklmnopqrstuvwxyz',
  redirectUris: ['http://127.0.0.1/login/callback'],
};

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  profile: MicrosoftProfile;
}

/** A strategy pointed at the emulator whose verify callback signs in the tokens and profile. */
function emulatorStrategy(
  emulator: Emulator,
  client: EmulatorClient & { clientSecret: string } = DEFAULT_CLIENT,
): Strategy {
  return new Strategy(
    {
      clientID: client.clientID,
      clientSecret: client.clientSecret,
      callbackURL: CALLBACK_URL,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
    },
    (
      accessToken: string,
      refreshToken: string | undefined,
      profile: MicrosoftProfile,
      done: VerifyCallback,
    ) => {
      done(null, { accessToken, refreshToken, profile });
    },
  );
}

/** Signs `account` in through the strategy and returns the tokens its verify callback received. */
async function signIn(strategy: Strategy, account: string): Promise<SignedIn> {
  const user = expectSuccess(await loginThroughEmulator(strategy, account)).user as {
    accessToken: string;
    refreshToken: string | undefined;
    profile: MicrosoftProfile;
  };
  if (typeof user.refreshToken !== 'string') throw new Error('the login returned no refresh token');
  return { accessToken: user.accessToken, refreshToken: user.refreshToken, profile: user.profile };
}

describe('refresh tokens against the emulator', () => {
  let emulator: Emulator;
  let strategy: Strategy;

  before(async () => {
    emulator = await startEmulator({ clients: [DEFAULT_CLIENT, OTHER_CLIENT] });
    strategy = emulatorStrategy(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  describe('with passport-oauth2-refresh', () => {
    it('registers the strategy under its name', () => {
      const registry = new refresh.AuthTokenRefresh();
      registry.use(strategy);
      expect(registry.has('microsoft')).to.equal(true);
    });

    it('redeems a refresh token from a real login for a new access token', async () => {
      const registry = new refresh.AuthTokenRefresh();
      registry.use(strategy);
      const signedIn = await signIn(strategy, 'work');
      const tokenRequestsBefore = emulator.requests('token');

      const result = await requestNewAccessToken(registry, 'microsoft', signedIn.refreshToken);

      expect(result.err).to.equal(null);
      expect(result.accessToken).to.be.a('string').and.not.equal(signedIn.accessToken);
      expect(result.refreshToken).to.be.a('string').and.not.equal(signedIn.refreshToken);
      expect(result.results).to.include({ token_type: 'Bearer' });
      // Microsoft's access tokens live 60 to 90 minutes; the emulator draws within that range.
      expect(result.results?.['expires_in']).to.be.within(3599, 5399);
      expect(result.results?.['id_token']).to.be.a('string');
      expect(emulator.requests('token')).to.equal(tokenRequestsBefore + 1);
    });

    it('works through the default registry and a custom name, the way its README shows', async () => {
      refresh.use('microsoft-refresh-test', strategy);
      const signedIn = await signIn(strategy, 'personal');

      const result = await requestNewAccessToken(
        refresh,
        'microsoft-refresh-test',
        signedIn.refreshToken,
      );

      expect(result.err).to.equal(null);
      expect(result.accessToken).to.be.a('string').and.not.equal(signedIn.accessToken);
    });

    it('hands an invalid refresh token back as a MicrosoftTokenError invalid_grant', async () => {
      const registry = new refresh.AuthTokenRefresh();
      registry.use(strategy);

      const result = await requestNewAccessToken(registry, 'microsoft', 'M.C5_not-a-refresh-token');

      expect(result.err).to.be.instanceOf(MicrosoftTokenError);
      const err = result.err as MicrosoftTokenError;
      expect(err.code).to.equal('invalid_grant');
      expect(err.errorCodes).to.deep.equal([9002313]);
      expect(err.status).to.equal(400);
      expect(err.message).to.not.include('M.C5_not-a-refresh-token');
      expect(result.accessToken).to.equal(undefined);
    });
  });

  describe('with strategy.refresh()', () => {
    it('returns a TokenSet whose ID token was verified (work account)', async () => {
      const signedIn = await signIn(strategy, 'work');
      const work = demoUser('work');

      const tokens = await strategy.refresh(signedIn.refreshToken);

      expect(tokens.accessToken).to.be.a('string').and.not.equal(signedIn.accessToken);
      expect(tokens.refreshToken).to.be.a('string').and.not.equal(signedIn.refreshToken);
      expect(tokens.idToken).to.be.a('string');
      expect(tokens.expiresIn).to.be.within(3599, 5399);
      expect(tokens.tokenType).to.equal('Bearer');
      expect(tokens.scope).to.be.a('string').and.include('User.Read');
      expect(tokens.claims).to.include({
        oid: work.oid,
        tid: DEMO_TENANT_ID,
        aud: DEFAULT_CLIENT.clientID,
        iss: emulator.issuer(DEMO_TENANT_ID),
      });
      expect(tokens.claims?.oid).to.equal(signedIn.profile.id);
    });

    it('verifies a personal account ID token signed with the consumer key', async () => {
      const signedIn = await signIn(strategy, 'personal');

      const tokens = await strategy.refresh(signedIn.refreshToken);

      expect(tokens.claims).to.include({ oid: demoUser('personal').oid, tid: CONSUMER_TENANT_ID });
      expect(signedIn.profile.tenantId).to.equal(CONSUMER_TENANT_ID);
    });

    it('keeps working with the refresh token it handed back', async () => {
      const signedIn = await signIn(strategy, 'work');

      const first = await strategy.refresh(signedIn.refreshToken);
      if (first.refreshToken === undefined) throw new Error('no refresh token came back');
      const second = await strategy.refresh(first.refreshToken);

      expect(second.accessToken).to.not.equal(first.accessToken);
      expect(second.claims?.oid).to.equal(demoUser('work').oid);
    });

    it('rejects an invalid refresh token with MicrosoftTokenError invalid_grant', async () => {
      const caught = await rejectionOf(strategy.refresh('1.AX_not-a-refresh-token'));

      expect(caught).to.be.instanceOf(MicrosoftTokenError);
      const err = caught as MicrosoftTokenError;
      expect(err.code).to.equal('invalid_grant');
      expect(err.errorCodes).to.deep.equal([9002313]);
      expect(err.traceId).to.be.a('string');
      expect(err.correlationId).to.be.a('string');
      expect(err.message).to.not.include('1.AX_not-a-refresh-token');
    });

    it('rejects a refresh token issued to another application with invalid_grant 70000', async () => {
      const otherApp = emulatorStrategy(emulator, OTHER_CLIENT);
      const signedIn = await signIn(otherApp, 'work');

      const caught = await rejectionOf(strategy.refresh(signedIn.refreshToken));

      expect(caught).to.be.instanceOf(MicrosoftTokenError);
      expect((caught as MicrosoftTokenError).code).to.equal('invalid_grant');
      expect((caught as MicrosoftTokenError).errorCodes).to.deep.equal([70000]);
    });

    it('refuses an empty refresh token before calling Microsoft', async () => {
      const before = emulator.requests('token');
      const caught = await rejectionOf(strategy.refresh(''));

      expect(caught).to.be.instanceOf(TypeError);
      expect(emulator.requests('token')).to.equal(before);
    });
  });
});
