import { expect } from 'chai';
import { MicrosoftTokenError } from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import refresh from 'passport-oauth2-refresh';
import type { StrategyOptions } from '../../lib/config/options.js';
import { rejectionOf } from '../helpers/errors.js';
import { startFakeServer } from '../helpers/fake-server.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  TOKEN_ROUTE,
  errorText,
  fakeOptions,
  recordingVerify,
  tokenResponse,
} from '../helpers/microsoft.js';
import { requestNewAccessToken } from '../helpers/refresh.js';

const NEW_ACCESS = 'EwA4A-new-access-token';
const NEW_REFRESH = 'M.C507_new-refresh-token';

describe('unit: refresh tokens', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeServer({
      [TOKEN_ROUTE]: {
        json: {
          token_type: 'Bearer',
          scope: 'User.Read',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: NEW_ACCESS,
          refresh_token: NEW_REFRESH,
        },
      },
    });
  });

  afterEach(async () => {
    await server.close();
  });

  function strategy(extra: Partial<StrategyOptions> = {}): Strategy {
    return new Strategy(fakeOptions(server, extra), recordingVerify().verify);
  }

  describe('strategy.refresh()', () => {
    it('posts grant_type refresh_token with the configured scope and the client credentials', async () => {
      await strategy().refresh(REFRESH_TOKEN);
      const requests = server.requestsTo(TOKEN_ROUTE);
      expect(requests).to.have.length(1);
      expect(Object.fromEntries(requests[0]?.form ?? [])).to.deep.equal({
        grant_type: 'refresh_token',
        refresh_token: REFRESH_TOKEN,
        scope: 'User.Read',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
    });

    it('resolves with the new token set and no ID token when none came back', async () => {
      const set = await strategy().refresh(REFRESH_TOKEN);
      expect(set).to.deep.equal({
        accessToken: NEW_ACCESS,
        refreshToken: NEW_REFRESH,
        expiresIn: 3599,
        scope: 'User.Read',
        tokenType: 'Bearer',
      });
      expect(set).to.not.have.any.keys('idToken', 'claims');
    });

    it('sends a scope given to refresh() instead of the configured one', async () => {
      await strategy().refresh(REFRESH_TOKEN, { scope: ['User.Read', 'Mail.Read'] });
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('scope')).to.equal('User.Read Mail.Read');
      await strategy().refresh(REFRESH_TOKEN, { scope: 'offline_access Calendars.Read' });
      expect(server.requestsTo(TOKEN_ROUTE)[1]?.form.get('scope')).to.equal(
        'offline_access Calendars.Read',
      );
    });

    it('leaves out what Microsoft did not send', async () => {
      server.route(TOKEN_ROUTE, { json: { access_token: NEW_ACCESS } });
      expect(await strategy().refresh(REFRESH_TOKEN)).to.deep.equal({ accessToken: NEW_ACCESS });
    });

    it('rejects with a MicrosoftTokenError for an expired refresh token, without echoing it', async () => {
      server.route(TOKEN_ROUTE, {
        status: 400,
        json: {
          error: 'invalid_grant',
          error_description:
            'AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333',
          error_codes: [700082],
        },
      });
      const err = await rejectionOf(strategy().refresh(REFRESH_TOKEN));
      expect(err).to.be.instanceOf(MicrosoftTokenError);
      expect(err).to.include({
        code: 'invalid_grant',
        status: 400,
        traceId: '0000aaaa-11bb-cccc-dd33-eeeeee333333',
      });
      expect((err as MicrosoftTokenError).errorCodes).to.deep.equal([700082]);
      expect(errorText(err)).to.not.contain(REFRESH_TOKEN).and.not.contain(CLIENT_SECRET);
    });

    it('rejects an empty refresh token with a TypeError before any request', async () => {
      const err = await rejectionOf(strategy().refresh(''));
      expect(err)
        .to.be.instanceOf(TypeError)
        .with.property('message', 'refresh() needs a refresh token');
      expect(server.requests).to.have.length(0);
    });
  });

  describe('passport-oauth2-refresh', () => {
    it("refreshes through the strategy's token client", async () => {
      const s = strategy({ name: 'microsoft-refresh-test' });
      refresh.use('microsoft-refresh-test', s);
      const result = await requestNewAccessToken(refresh, 'microsoft-refresh-test', REFRESH_TOKEN);
      if (result.err)
        throw result.err instanceof Error
          ? result.err
          : new Error('the refresh failed', { cause: result.err });
      expect([result.accessToken, result.refreshToken, result.results?.['scope']]).to.deep.equal([
        NEW_ACCESS,
        NEW_REFRESH,
        'User.Read',
      ]);
      expect(Object.fromEntries(server.requestsTo(TOKEN_ROUTE)[0]?.form ?? [])).to.deep.equal({
        grant_type: 'refresh_token',
        refresh_token: REFRESH_TOKEN,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
    });

    it('passes a token error to the callback as a MicrosoftTokenError', async () => {
      server.route(TOKEN_ROUTE, {
        status: 400,
        json: { error: 'invalid_grant', error_codes: [70008] },
      });
      refresh.use('microsoft-refresh-error', strategy({ name: 'microsoft-refresh-error' }));
      const { err } = await requestNewAccessToken(
        refresh,
        'microsoft-refresh-error',
        REFRESH_TOKEN,
      );
      expect(err).to.be.instanceOf(MicrosoftTokenError).with.property('code', 'invalid_grant');
    });
  });

  describe("passport-oauth2's own token call", () => {
    it('redeems an authorization code through the same client', async () => {
      server.route(TOKEN_ROUTE, { json: tokenResponse() });
      const s = strategy();
      const internals = s as unknown as {
        _oauth2: {
          getOAuthAccessToken(
            code: string,
            params: Record<string, string>,
            cb: (err: unknown, at?: string, rt?: string) => void,
          ): void;
        };
      };
      const tokens = await new Promise<unknown[]>((resolve, reject) =>
        internals._oauth2.getOAuthAccessToken(
          'the-code',
          { redirect_uri: 'http://app.example.com/cb' },
          (err, at, rt) => (err ? reject(err) : resolve([at, rt])),
        ),
      );
      expect(tokens).to.deep.equal([ACCESS_TOKEN, tokenResponse()['refresh_token']]);
      expect(Object.fromEntries(server.requestsTo(TOKEN_ROUTE)[0]?.form ?? [])).to.deep.equal({
        redirect_uri: 'http://app.example.com/cb',
        grant_type: 'authorization_code',
        code: 'the-code',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
    });
  });
});
