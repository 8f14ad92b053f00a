import { expect } from 'chai';
import Entry = require('../../lib/index.js');
import * as endpoints from '../../lib/config/clouds.js';
import * as options from '../../lib/config/option-checks.js';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import * as errors from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile, VerifyCallback } from '../../lib/types.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  TOKEN_ROUTE,
  WORK_ME,
  finishLogin,
  s256,
  startFakeMicrosoft,
  startLogin,
  storedVerifier,
  tokenResponse,
} from '../helpers/microsoft.js';
import {
  authenticate,
  baseOf,
  expectRedirect,
  expectSuccess,
  fakeRequest,
  queryOf,
} from '../helpers/passport.js';

describe('unit: passport-microsoft compatibility', () => {
  describe('the passport-microsoft README configuration', () => {
    function readmeStrategy(
      verify: (
        accessToken: string,
        refreshToken: string | undefined,
        profile: MicrosoftProfile,
        done: VerifyCallback,
      ) => void,
    ): Strategy {
      return new Strategy(
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          callbackURL: 'http://localhost:3000/auth/microsoft/callback',
          scope: ['user.read'],
          tenant: 'common',
          authorizationURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
          tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        },
        verify,
      );
    }

    it('gets a working redirect to that authorize URL with scope user.read', async () => {
      const s = readmeStrategy((_a, _r, _p, done) => done(null, {}));
      const session: Record<string, unknown> = {};
      const outcome = expectRedirect(
        await authenticate(
          s,
          fakeRequest({ url: '/auth/microsoft', headers: { host: 'localhost:3000' }, session }),
        ),
      );
      expect(baseOf(outcome.url)).to.equal(
        'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      );
      const query = queryOf(outcome.url);
      const verifier = storedVerifier(
        session,
        `microsoft:login.microsoftonline.com:${CLIENT_ID}`,
        query['state'] ?? '',
      );
      expect(query).to.deep.equal({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: 'http://localhost:3000/auth/microsoft/callback',
        scope: 'user.read',
        state: query['state'],
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
      });
      // RFC 7636: 43 to 128 unreserved characters.
      expect(verifier).to.match(/^[A-Za-z0-9._~-]{43,128}$/);
      expect(s.name).to.equal('microsoft');
    });

    describe('signing in end to end', () => {
      let server: FakeServer;

      beforeEach(async () => {
        server = await startFakeMicrosoft({
          [TOKEN_ROUTE]: { json: tokenResponse({ scope: 'User.Read' }) },
        });
      });

      afterEach(async () => {
        await server.close();
      });

      it("signs in with passport-microsoft's options and gives the profile fields passport-microsoft gave", async () => {
        const calls: unknown[][] = [];
        const s = new Strategy(
          {
            clientID: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            callbackURL: 'http://localhost:3000/auth/microsoft/callback',
            scope: ['user.read'],
            authorizationURL: `${server.url}/common/oauth2/v2.0/authorize`,
            tokenURL: `${server.url}/common/oauth2/v2.0/token`,
            apiEntryPoint: server.url,
            graphApiVersion: 'v1.0',
            addUPNAsEmail: true,
          },
          function (accessToken, refreshToken, profile, done) {
            calls.push([accessToken, refreshToken, profile]);
            done(null, { id: profile.id });
          },
        );
        const started = await startLogin(s);
        expect(baseOf(started.authorizeURL)).to.equal(`${server.url}/common/oauth2/v2.0/authorize`);
        expectSuccess(await finishLogin(s, started));
        const [accessToken, refreshToken, profile] = calls[0] ?? [];
        expect([accessToken, refreshToken]).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
        expect(profile).to.include({
          provider: 'microsoft',
          id: WORK_ME.id,
          displayName: 'Adele Vance',
          userPrincipalName: 'AdeleV@contoso.com',
        });
        expect(profile).to.have.deep.property('name', { familyName: 'Vance', givenName: 'Adele' });
        expect(profile).to.have.deep.property('emails', [
          { type: 'work', value: 'AdeleV@contoso.com', verified: false },
        ]);
        expect(profile).to.have.property('_raw', JSON.stringify(WORK_ME));
        expect(profile).to.have.deep.property('_json', WORK_ME);
      });
    });
  });

  describe("the require('passport-microsoft-account') shape", () => {
    it('is the Strategy class itself', () => {
      expect(Entry).to.equal(Strategy);
    });

    it('carries .Strategy and .default', () => {
      expect(Entry.Strategy).to.equal(Strategy);
      expect((Entry as unknown as { default: unknown }).default).to.equal(Strategy);
    });

    it('carries every error class and the ID-token error codes', () => {
      expect(Entry.MicrosoftAuthorizationError).to.equal(errors.MicrosoftAuthorizationError);
      expect(Entry.MicrosoftTokenError).to.equal(errors.MicrosoftTokenError);
      expect(Entry.MicrosoftGraphError).to.equal(errors.MicrosoftGraphError);
      expect(Entry.MicrosoftHttpError).to.equal(errors.MicrosoftHttpError);
      expect(Entry.MicrosoftIdTokenError).to.equal(errors.MicrosoftIdTokenError);
      expect(Entry.MicrosoftProfileError).to.equal(errors.MicrosoftProfileError);
      expect(Entry.MicrosoftStateError).to.equal(errors.MicrosoftStateError);
      expect(Entry.ID_TOKEN_ERROR_CODES).to.equal(errors.ID_TOKEN_ERROR_CODES);
    });

    it('names every error class Microsoft…, without the unpublished short aliases', () => {
      for (const old of ['GraphError', 'IdTokenError', 'ProfileError', 'StateError'])
        expect(Entry, old).not.to.have.property(old);
      const err = new Entry.MicrosoftIdTokenError('nonce', 'x');
      expect(err.name).to.equal('MicrosoftIdTokenError');
      const classes = Object.entries(errors).filter(
        ([key, value]) => typeof value === 'function' && /Error$/.test(key),
      );
      expect(classes.length).to.be.greaterThan(5);
      for (const [key] of classes) expect(key).to.match(/^Microsoft/);
    });

    it('carries the helpers and constants the ES module entry exports too', () => {
      expect(Entry.parseAadsts).to.equal(errors.parseAadsts);
      expect(Entry.CLOUDS).to.equal(endpoints.CLOUDS);
      expect(Entry.CONSUMER_TENANT_ID).to.equal(endpoints.CONSUMER_TENANT_ID);
      expect(Entry.DEFAULT_SCOPE).to.equal(options.DEFAULT_SCOPE);
      expect(Entry.isTenant).to.equal(endpoints.isTenant);
      expect(Entry.isGuid).to.equal(endpoints.isGuid);
      expect(Entry.parseScope).to.equal(options.parseScope);
      expect(Entry.MicrosoftSignIn).to.equal(MicrosoftSignIn);
    });

    it('constructs a working strategy from the CommonJS export', () => {
      const s = new Entry.Strategy(
        { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: '/cb' },
        (_a, _r, _p, done) => done(null, {}),
      );
      expect(s).to.be.instanceOf(Entry);
      expect(s.name).to.equal('microsoft');
    });
  });
});
