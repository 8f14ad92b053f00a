import { expect } from 'chai';
import OAuth2Strategy = require('passport-oauth2');
import {
  MicrosoftIdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftStateError,
} from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type {
  MicrosoftProfile,
  MicrosoftRequest,
  TokenResponseParams,
  VerifyCallback,
} from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  CALLBACK_PATH,
  CALLBACK_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  ME_ROUTE,
  REFRESH_TOKEN,
  TOKEN_ROUTE,
  WORK_ME,
  fakeOptions,
  finishLogin,
  login,
  recordingVerify,
  sessionKeyOf,
  startFakeMicrosoft,
  startLogin,
  storedVerifier,
  tokenResponse,
} from '../helpers/microsoft.js';
import {
  authenticate,
  expectErrorOf,
  expectFail,
  expectRedirect,
  expectSuccess,
  fakeRequest,
  queryOf,
} from '../helpers/passport.js';
import { STATE_FAILURE } from '../helpers/state-failures.js';

const CODE = 'M.C507_BL2.2.U.5b8f3c1e-auth-code';
const TRACE = '747c0cc1-ccbd-4e53-8e2f-48812eb24100';
const CORRELATION = '362e3cb3-2fe1-4d2b-9c34-7a6d2e3b9f01';
const DENIED = {
  error: 'access_denied',
  error_description: `AADSTS65004: User declined to consent to access the app.\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORRELATION}\r\nTimestamp: 2022-09-08 09:58:12Z`,
  error_uri: 'https://login.microsoftonline.com/error?code=65004',
};

describe('unit: callback leg', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeMicrosoft();
  });

  afterEach(async () => {
    await server.close();
  });

  function strategy(
    extra: Partial<StrategyOptions> = {},
    verify = recordingVerify().verify,
  ): Strategy {
    return new Strategy(fakeOptions(server, extra), verify);
  }

  describe('the token request', () => {
    it('posts exactly grant_type, code, redirect_uri, code_verifier, client_id and client_secret', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const verifier = storedVerifier(started.session, sessionKeyOf(s), started.state);
      expectSuccess(await finishLogin(s, started, CODE));
      const [token] = server.requestsTo(TOKEN_ROUTE);
      expect(server.requestsTo(TOKEN_ROUTE)).to.have.length(1);
      expect([...(token?.form.keys() ?? [])].sort()).to.deep.equal([
        'client_id',
        'client_secret',
        'code',
        'code_verifier',
        'grant_type',
        'redirect_uri',
      ]);
      expect(Object.fromEntries(token?.form ?? [])).to.deep.equal({
        grant_type: 'authorization_code',
        code: CODE,
        redirect_uri: CALLBACK_URL,
        code_verifier: verifier,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
    });

    it('authenticates the client in the body (client_secret_post), not with an Authorization header', async () => {
      expectSuccess(await login(strategy()));
      const [token] = server.requestsTo(TOKEN_ROUTE);
      expect(token?.headers['content-type']).to.equal('application/x-www-form-urlencoded');
      expect(token?.headers['accept']).to.equal('application/json');
      expect(token?.headers).to.not.have.property('authorization');
      expect(token?.query.toString()).to.equal('');
    });

    it('sends the same redirect_uri as the authorize request, resolved from a relative callbackURL', async () => {
      const s = strategy({ callbackURL: CALLBACK_PATH });
      const started = await startLogin(s);
      expectSuccess(await finishLogin(s, started, CODE));
      const sent = queryOf(started.authorizeURL)['redirect_uri'];
      expect(sent).to.equal('http://app.example.com/auth/microsoft/callback');
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('redirect_uri')).to.equal(sent);
    });

    it('sends a per-request callbackURL as the redirect_uri of both requests', async () => {
      const s = strategy();
      const started = await startLogin(s, { callbackURL: '/other/callback' });
      expect(queryOf(started.authorizeURL)['redirect_uri']).to.equal(
        'http://app.example.com/other/callback',
      );
      expectSuccess(await finishLogin(s, started, CODE, { callbackURL: '/other/callback' }));
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('redirect_uri')).to.equal(
        'http://app.example.com/other/callback',
      );
    });

    it('takes the first value when a query parser turned repeated parameters into arrays', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const req = fakeRequest({ url: CALLBACK_PATH, session: started.session });
      Object.assign(req, {
        query: { code: [CODE, 'second-code'], state: [started.state, 'other'] },
      });
      expectSuccess(await authenticate(s, req));
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('code')).to.equal(CODE);
    });

    it('adds customHeaders to the token request', async () => {
      expectSuccess(
        await login(strategy({ customHeaders: { 'x-ms-client-request-id': 'abc-123' } })),
      );
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.headers['x-ms-client-request-id']).to.equal(
        'abc-123',
      );
    });

    it('sends no code_verifier with pkce: false', async () => {
      expectSuccess(await login(strategy({ pkce: false })));
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.has('code_verifier')).to.equal(false);
    });

    it('needs no state or session with state: false', async () => {
      const s = strategy({ state: false });
      const outcome = await authenticate(
        s,
        fakeRequest({ url: `${CALLBACK_PATH}?code=${CODE}`, session: null }),
      );
      expectSuccess(outcome);
      expect(Object.fromEntries(server.requestsTo(TOKEN_ROUTE)[0]?.form ?? [])).to.deep.equal({
        grant_type: 'authorization_code',
        code: CODE,
        redirect_uri: CALLBACK_URL,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
    });
  });

  describe('the Graph request', () => {
    it('calls GET /me with the access token in the Authorization header and nowhere else', async () => {
      expectSuccess(await login(strategy()));
      const me = server.requestsTo(ME_ROUTE);
      expect(me).to.have.length(1);
      expect(me[0]?.headers['authorization']).to.equal(`Bearer ${ACCESS_TOKEN}`);
      expect(me[0]?.url).to.equal('/v1.0/me');
      expect(me[0]?.query.toString()).to.equal('');
      expect(me[0]?.body).to.equal('');
    });

    it('makes no Graph call with skipUserProfile: true', async () => {
      const rec = recordingVerify();
      const s = new Strategy(
        fakeOptions(server, { skipUserProfile: true }),
        (at, rt, profile, done) => {
          rec.calls.push([at, rt, profile]);
          done(null, { id: 'u1' });
        },
      );
      expectSuccess(await login(s));
      expect(server.requestsTo(ME_ROUTE)).to.have.length(0);
      expect(rec.calls).to.deep.equal([[ACCESS_TOKEN, REFRESH_TOKEN, undefined]]);
    });

    it('asks a skipUserProfile function with the access token', async () => {
      const seen: string[] = [];
      const s = strategy({
        skipUserProfile: (accessToken, done) => {
          seen.push(accessToken);
          done(null, false);
        },
      });
      expectSuccess(await login(s));
      expect(seen).to.deep.equal([ACCESS_TOKEN]);
      expect(server.requestsTo(ME_ROUTE)).to.have.length(1);
    });

    it('takes the answer of a skipUserProfile function of one parameter from its return value, as passport-oauth2 does', async () => {
      const seen: string[] = [];
      const skipping = new Strategy(
        fakeOptions(server, { skipUserProfile: () => true }),
        (_at, _rt, _profile, done) => done(null, { id: 'u1' }),
      );
      expectSuccess(await login(skipping));
      expect(server.requestsTo(ME_ROUTE)).to.have.length(0);
      const loading = strategy({
        skipUserProfile: (accessToken: string) => {
          seen.push(accessToken);
          return false;
        },
      });
      expectSuccess(await login(loading));
      expect(seen).to.deep.equal([ACCESS_TOKEN]);
      expect(server.requestsTo(ME_ROUTE)).to.have.length(1);
    });

    it('passes a skipUserProfile error to the error action', async () => {
      const failure = new Error('skip lookup failed');
      const s = strategy({ skipUserProfile: (_t, done) => done(failure) });
      const outcome = await login(s);
      expect(outcome).to.deep.equal({ action: 'error', error: failure });
    });
  });

  describe('state checks', () => {
    it('fails a replayed callback with 403 and redeems the code only once', async () => {
      const s = strategy();
      const started = await startLogin(s);
      expectSuccess(await finishLogin(s, started, CODE));
      const replay = expectFail(await finishLogin(s, started, CODE));
      expect(replay.status).to.equal(403);
      expect(replay.challenge).to.deep.equal(STATE_FAILURE.no_pending_login);
      expect(server.requestsTo(TOKEN_ROUTE)).to.have.length(1);
    });

    it('fails a tampered state with 403 without calling the token endpoint', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await finishLogin(s, { ...started, state: `${started.state}x` }, CODE),
      );
      expect(outcome.status).to.equal(403);
      expect(server.requests).to.have.length(0);
    });

    it('fails a callback without state with 403', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await authenticate(
          s,
          fakeRequest({ url: `${CALLBACK_PATH}?code=${CODE}`, session: started.session }),
        ),
      );
      expect(outcome).to.deep.equal({
        action: 'fail',
        status: 403,
        challenge: STATE_FAILURE.state_missing,
      });
    });

    it('fails a callback whose session lost the pending login (another browser) with 403', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(await finishLogin(s, { ...started, session: {} }, CODE));
      expect(outcome.status).to.equal(403);
    });

    it('fails an empty code with 400', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await authenticate(
          s,
          fakeRequest({
            url: `${CALLBACK_PATH}?code=&state=${started.state}`,
            session: started.session,
          }),
        ),
      );
      expect(outcome).to.deep.equal({
        action: 'fail',
        status: 400,
        challenge: { message: 'The callback carries an empty authorization code' },
      });
    });

    it('ends in MicrosoftStateError session_missing when the callback has no session', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const err = expectErrorOf(
        await authenticate(
          s,
          fakeRequest({
            url: `${CALLBACK_PATH}?code=${CODE}&state=${started.state}`,
            session: null,
          }),
        ),
        MicrosoftStateError,
      );
      expect(err.code).to.equal('session_missing');
    });
  });

  describe('form_post', () => {
    it('signs in with code and state in the POST body', async () => {
      const s = strategy();
      const started = await startLogin(s, { responseMode: 'form_post' });
      expect(queryOf(started.authorizeURL)['response_mode']).to.equal('form_post');
      const outcome = await authenticate(
        s,
        fakeRequest({
          method: 'POST',
          url: CALLBACK_PATH,
          body: { code: CODE, state: started.state },
          session: started.session,
        }),
      );
      expect(expectSuccess(outcome).user).to.deep.equal({ id: WORK_ME.id });
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('code')).to.equal(CODE);
    });

    it('ends in MicrosoftStateError body_missing when the callback POST body was not parsed', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const err = expectErrorOf(
        await authenticate(
          s,
          fakeRequest({ method: 'POST', url: CALLBACK_PATH, session: started.session }),
        ),
        MicrosoftStateError,
      );
      expect(err.code).to.equal('body_missing');
      expect(err.message).to.contain('express.urlencoded');
    });

    it('starts a login for a POST to another path without a body', async () => {
      const outcome = await authenticate(
        strategy(),
        fakeRequest({ method: 'POST', url: '/auth/microsoft' }),
      );
      expect(outcome.action).to.equal('redirect');
    });

    it('prefers the query when both the query and the body carry a code', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = await authenticate(
        s,
        fakeRequest({
          method: 'POST',
          url: `${CALLBACK_PATH}?code=from-query&state=${started.state}`,
          body: { code: 'from-body', state: started.state },
          session: started.session,
        }),
      );
      expectSuccess(outcome);
      expect(server.requestsTo(TOKEN_ROUTE)[0]?.form.get('code')).to.equal('from-query');
    });
  });

  describe('errors from the authorize endpoint', () => {
    it('fails access_denied in the query with the message, AADSTS code and diagnostics', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const query = new URLSearchParams({ ...DENIED, state: started.state });
      const outcome = expectFail(
        await authenticate(
          s,
          fakeRequest({ url: `${CALLBACK_PATH}?${query.toString()}`, session: started.session }),
        ),
      );
      expect(outcome).to.deep.equal({
        action: 'fail',
        status: undefined,
        challenge: {
          message: DENIED.error_description,
          error: 'access_denied',
          aadsts: 65004,
          traceId: TRACE,
          correlationId: CORRELATION,
          timestamp: '2022-09-08 09:58:12Z',
        },
      });
      expect(server.requests).to.have.length(0);
    });

    it('consumes the pending login an access_denied answers', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const query = new URLSearchParams({ ...DENIED, state: started.state });
      await authenticate(
        s,
        fakeRequest({ url: `${CALLBACK_PATH}?${query.toString()}`, session: started.session }),
      );
      expect(expectFail(await finishLogin(s, started, CODE)).status).to.equal(403);
    });

    it('fails access_denied in a form_post body the same way', async () => {
      const s = strategy();
      const started = await startLogin(s, { responseMode: 'form_post' });
      const outcome = expectFail(
        await authenticate(
          s,
          fakeRequest({
            method: 'POST',
            url: CALLBACK_PATH,
            body: { ...DENIED, state: started.state },
            session: started.session,
          }),
        ),
      );
      expect(outcome.challenge).to.include({
        message: DENIED.error_description,
        error: 'access_denied',
        aadsts: 65004,
        traceId: TRACE,
      });
    });

    it('fails access_denied without a description with a default message', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await authenticate(
          s,
          fakeRequest({
            url: `${CALLBACK_PATH}?error=access_denied&state=${started.state}`,
            session: started.session,
          }),
        ),
      );
      expect(outcome.challenge).to.deep.equal({
        message: 'Sign-in was cancelled',
        error: 'access_denied',
      });
    });

    it('turns any other error into a MicrosoftAuthorizationError with every diagnostic', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const description = `AADSTS700016: Application with identifier '${CLIENT_ID}' was not found in the directory 'Contoso'.\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORRELATION}\r\nTimestamp: 2024-01-02 03:04:05Z`;
      const query = new URLSearchParams({
        error: 'unauthorized_client',
        error_description: description,
        error_uri: 'https://login.microsoftonline.com/error?code=700016',
        error_subcode: 'cancel',
        state: started.state,
      });
      const err = expectErrorOf(
        await authenticate(
          s,
          fakeRequest({ url: `${CALLBACK_PATH}?${query.toString()}`, session: started.session }),
        ),
        MicrosoftAuthorizationError,
      );
      expect(err).to.be.instanceOf(OAuth2Strategy.AuthorizationError);
      expect(err).to.include({
        name: 'MicrosoftAuthorizationError',
        message: description,
        code: 'unauthorized_client',
        error: 'unauthorized_client',
        errorDescription: description,
        errorUri: 'https://login.microsoftonline.com/error?code=700016',
        uri: 'https://login.microsoftonline.com/error?code=700016',
        errorSubcode: 'cancel',
        aadsts: 700016,
        traceId: TRACE,
        correlationId: CORRELATION,
        timestamp: '2024-01-02 03:04:05Z',
        status: 500,
      });
      expect(server.requests).to.have.length(0);
    });

    it('names the error when Microsoft sends no description, with passport-oauth2 status 502 for server_error', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const err = expectErrorOf(
        await authenticate(
          s,
          fakeRequest({
            url: `${CALLBACK_PATH}?error=server_error&state=${started.state}`,
            session: started.session,
          }),
        ),
        MicrosoftAuthorizationError,
      );
      expect(err.message).to.equal('Microsoft returned error "server_error"');
      expect(err.status).to.equal(502);
      expect(err).to.not.have.property('aadsts');
      expect(err).to.not.have.property('errorDescription');
    });

    it('reads an error from a form_post body', async () => {
      const s = strategy();
      const started = await startLogin(s, { responseMode: 'form_post' });
      const err = expectErrorOf(
        await authenticate(
          s,
          fakeRequest({
            method: 'POST',
            url: CALLBACK_PATH,
            body: {
              error: 'invalid_request',
              error_description: 'AADSTS90014: The required field is missing.',
              state: started.state,
            },
            session: started.session,
          }),
        ),
        MicrosoftAuthorizationError,
      );
      expect(err).to.include({ error: 'invalid_request', aadsts: 90014 });
    });
  });

  describe('the verify callback', () => {
    it('is called with (accessToken, refreshToken, profile, done) when it takes 4 arguments', async () => {
      const calls: unknown[][] = [];
      const s = strategy({}, (accessToken, refreshToken, profile, done) => {
        calls.push([accessToken, refreshToken, profile.id]);
        done(null, { id: profile.id });
      });
      const outcome = expectSuccess(await login(s));
      expect(calls).to.deep.equal([[ACCESS_TOKEN, REFRESH_TOKEN, WORK_ME.id]]);
      expect(outcome.user).to.deep.equal({ id: WORK_ME.id });
      expect(outcome.info).to.deep.equal({});
    });

    it('is called with (accessToken, refreshToken, params, profile, done) when it takes 5 arguments', async () => {
      const calls: unknown[][] = [];
      const s = new Strategy(
        fakeOptions(server),
        (
          accessToken: string,
          refreshToken: string | undefined,
          params: TokenResponseParams,
          profile: MicrosoftProfile,
          done: VerifyCallback,
        ) => {
          calls.push([accessToken, refreshToken, params, profile.id]);
          done(null, { id: profile.id });
        },
      );
      expectSuccess(await login(s));
      expect(calls).to.deep.equal([[ACCESS_TOKEN, REFRESH_TOKEN, tokenResponse(), WORK_ME.id]]);
    });

    it('is called with (req, accessToken, refreshToken, profile, done) with passReqToCallback and 5 arguments', async () => {
      const calls: unknown[][] = [];
      const s = new Strategy(
        { ...fakeOptions(server), passReqToCallback: true },
        (
          req: MicrosoftRequest,
          accessToken: string,
          refreshToken: string | undefined,
          profile: MicrosoftProfile,
          done: VerifyCallback,
        ) => {
          calls.push([req.url, accessToken, refreshToken, profile.id]);
          done(null, { id: profile.id });
        },
      );
      const started = await startLogin(s);
      expectSuccess(await finishLogin(s, started, CODE));
      expect(calls).to.deep.equal([
        [
          `${CALLBACK_PATH}?code=${encodeURIComponent(CODE)}&state=${started.state}`,
          ACCESS_TOKEN,
          REFRESH_TOKEN,
          WORK_ME.id,
        ],
      ]);
    });

    it('is called with (req, accessToken, refreshToken, params, profile, done) with passReqToCallback and 6 arguments', async () => {
      const calls: unknown[][] = [];
      const s = new Strategy(
        { ...fakeOptions(server), passReqToCallback: true },
        (
          req: MicrosoftRequest,
          accessToken: string,
          refreshToken: string | undefined,
          params: TokenResponseParams,
          profile: MicrosoftProfile,
          done: VerifyCallback,
        ) => {
          calls.push([req.method, accessToken, refreshToken, params, profile.id]);
          done(null, { id: profile.id });
        },
      );
      expectSuccess(await login(s));
      expect(calls).to.deep.equal([
        ['GET', ACCESS_TOKEN, REFRESH_TOKEN, tokenResponse(), WORK_ME.id],
      ]);
    });

    it('passes numeric-string expires_in to params as a number', async () => {
      server.route(TOKEN_ROUTE, {
        json: tokenResponse({ expires_in: '3599', ext_expires_in: '3599' }),
      });
      const seen: unknown[] = [];
      const s = new Strategy(
        fakeOptions(server),
        (
          _a: string,
          _r: string | undefined,
          params: TokenResponseParams,
          _p: MicrosoftProfile,
          done: VerifyCallback,
        ) => {
          seen.push(params.expires_in, params.ext_expires_in);
          done(null, {});
        },
      );
      expectSuccess(await login(s));
      expect(seen).to.deep.equal([3599, 3599]);
    });

    it('hands refreshToken undefined when Microsoft sends none', async () => {
      const { refresh_token: _dropped, ...rest } = tokenResponse();
      server.route(TOKEN_ROUTE, { json: rest });
      const rec = recordingVerify();
      expectSuccess(await login(strategy({}, rec.verify)));
      expect(rec.calls[0]?.[1]).to.equal(undefined);
    });

    it('sends a verify error to the error action', async () => {
      const failure = new Error('database down');
      const outcome = await login(strategy({}, (_a, _r, _p, done) => done(failure)));
      expect(outcome).to.deep.equal({ action: 'error', error: failure });
    });

    it('sends an exception thrown by verify to the error action', async () => {
      const failure = new Error('bug in verify');
      const outcome = await login(
        strategy({}, () => {
          throw failure;
        }),
      );
      expect(outcome).to.deep.equal({ action: 'error', error: failure });
    });

    it('fails with the info when verify returns user false', async () => {
      const outcome = expectFail(
        await login(
          strategy({}, (_a, _r, _p, done) =>
            done(null, false, { message: 'This account is not invited' }),
          ),
        ),
      );
      expect(outcome).to.deep.equal({
        action: 'fail',
        challenge: { message: 'This account is not invited' },
        status: undefined,
      });
    });

    it('puts the application state passed to authenticate in info.state', async () => {
      const s = strategy();
      const started = await startLogin(s, { state: { returnTo: '/dashboard' } });
      const outcome = expectSuccess(await finishLogin(s, started, CODE));
      expect(outcome.info).to.deep.equal({ state: { returnTo: '/dashboard' } });
    });

    it('merges the info from verify with the application state', async () => {
      const s = strategy({}, (_a, _r, _p, done) => done(null, { id: 'u' }, { scope: 'read' }));
      const started = await startLogin(s, { state: 'opaque' });
      const outcome = expectSuccess(await finishLogin(s, started, CODE));
      expect(outcome.info).to.deep.equal({ scope: 'read', state: 'opaque' });
    });
  });

  describe('the ID token', () => {
    it('rejects a login that requested openid but got no id_token', async () => {
      const s = strategy({ scope: ['openid', 'User.Read'] });
      const err = expectErrorOf(await login(s), MicrosoftIdTokenError);
      expect(err.code).to.equal('missing');
      expect(server.requestsTo(ME_ROUTE)).to.have.length(0);
    });
  });

  describe('running through Passport', () => {
    it('works on a per-request Object.create(strategy), as passport.authenticate does', async () => {
      const s = strategy();
      const session: Record<string, unknown> = {};
      const perRequest = Object.create(s) as Strategy;
      const first = await authenticate(perRequest, fakeRequest({ session }));
      const state = queryOf(expectRedirect(first).url)['state'];
      const second = await authenticate(
        Object.create(s) as Strategy,
        fakeRequest({ url: `${CALLBACK_PATH}?code=${CODE}&state=${state ?? ''}`, session }),
      );
      expect(expectSuccess(second).user).to.deep.equal({ id: WORK_ME.id });
    });
  });
});
