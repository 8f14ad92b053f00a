import { expect } from 'chai';
import OAuth2Strategy = require('passport-oauth2');
import {
  MicrosoftGraphError,
  MicrosoftHttpError,
  MicrosoftTokenError,
  MicrosoftProfileError,
  parseAadsts,
} from '../../lib/errors.js';
import { retryAfterSeconds, describeURL } from '../../lib/clients/http.js';
import { Strategy } from '../../lib/passport/strategy.js';
import { tokenErrorFromBody } from '../../lib/clients/token.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { closedPortURL } from '../helpers/fake-server.js';
import type { CannedResponse, FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  CLIENT_SECRET,
  ME_ROUTE,
  REFRESH_TOKEN,
  TOKEN_ROUTE,
  WORK_ME,
  errorText,
  fakeOptions,
  login,
  recordingVerify,
  startFakeMicrosoft,
  tokenResponse,
} from '../helpers/microsoft.js';
import { expectErrorOf } from '../helpers/passport.js';

const TOKEN_ERROR = {
  error: 'invalid_scope',
  error_description:
    "AADSTS70011: The provided value for the input parameter 'scope' isn't valid.\r\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2016-01-09 02:02:12Z",
  error_codes: [70011],
  timestamp: '2016-01-09 02:02:12Z',
  trace_id: '0000aaaa-11bb-cccc-dd33-eeeeee333333',
  correlation_id: 'aaaa0000-bb11-2222-33cc-444444dddddd',
  error_uri: 'https://login.microsoftonline.com/error?code=70011',
};

const GRAPH_401 = {
  error: {
    code: 'InvalidAuthenticationToken',
    message: 'Access token is empty.',
    innerError: {
      date: '2026-08-13T13:03:10',
      'request-id': 'e6ea1bde-9f04-46a8-9705-824047cfd611',
      'client-request-id': 'e6ea1bde-9f04-46a8-9705-824047cfd611',
    },
  },
};

/** Asserts that nothing the error exposes carries a token or the client secret. */
function expectNoSecrets(err: unknown): void {
  const text = errorText(err);
  for (const secret of [
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    CLIENT_SECRET,
    encodeURIComponent(CLIENT_SECRET),
    encodeURIComponent(ACCESS_TOKEN),
  ]) {
    expect(text, 'error text').to.not.contain(secret);
  }
}

describe('unit: error paths', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeMicrosoft();
  });

  afterEach(async () => {
    await server.close();
  });

  function strategy(extra: Partial<StrategyOptions> = {}): Strategy {
    return new Strategy(fakeOptions(server, extra), recordingVerify().verify);
  }

  async function loginError<T>(
    type: new (...args: never[]) => T,
    extra: Partial<StrategyOptions> = {},
  ): Promise<T> {
    const err = expectErrorOf(await login(strategy(extra)), type);
    expectNoSecrets(err);
    return err;
  }

  function tokenAnswers(response: CannedResponse): void {
    server.route(TOKEN_ROUTE, response);
  }

  function graphAnswers(response: CannedResponse): void {
    server.route(ME_ROUTE, response);
  }

  describe('the token endpoint', () => {
    it("turns Microsoft's 400 error JSON into a MicrosoftTokenError with every diagnostic", async () => {
      tokenAnswers({ status: 400, json: TOKEN_ERROR });
      const err = await loginError(MicrosoftTokenError);
      expect(err).to.be.instanceOf(OAuth2Strategy.TokenError);
      expect(err).to.include({
        name: 'MicrosoftTokenError',
        message: TOKEN_ERROR.error_description,
        code: 'invalid_scope',
        error: 'invalid_scope',
        errorDescription: TOKEN_ERROR.error_description,
        errorUri: 'https://login.microsoftonline.com/error?code=70011',
        traceId: '0000aaaa-11bb-cccc-dd33-eeeeee333333',
        correlationId: 'aaaa0000-bb11-2222-33cc-444444dddddd',
        timestamp: '2016-01-09 02:02:12Z',
        status: 400,
      });
      expect(err.errorCodes).to.deep.equal([70011]);
      expect(server.requestsTo(ME_ROUTE)).to.have.length(0);
    });

    it('keeps the 401 status of invalid_client', async () => {
      tokenAnswers({
        status: 401,
        json: {
          error: 'invalid_client',
          error_description:
            'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 11111111-2222-3333-4444-555555555555',
          error_codes: [7000215],
        },
      });
      const err = await loginError(MicrosoftTokenError);
      expect(err).to.include({
        code: 'invalid_client',
        status: 401,
        traceId: '11111111-2222-3333-4444-555555555555',
      });
      expect(err.errorCodes).to.deep.equal([7000215]);
      expect(err).to.not.have.property('correlationId');
      expect(err).to.not.have.property('errorUri');
    });

    it('reads the AADSTS code out of the description when error_codes is missing', async () => {
      tokenAnswers({
        status: 400,
        json: {
          error: 'invalid_grant',
          error_description: 'AADSTS54005: OAuth2 Authorization code was already redeemed.',
        },
      });
      const err = await loginError(MicrosoftTokenError);
      expect(err.errorCodes).to.deep.equal([54005]);
    });

    it('turns a 500 HTML page into MicrosoftHttpError invalid_response', async () => {
      tokenAnswers({
        status: 500,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>Sorry, something went wrong</body></html>',
      });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({
        code: 'invalid_response',
        endpoint: 'token',
        status: 500,
        url: `${server.url}/common/oauth2/v2.0/token`,
      });
      expect(err.message).to.equal(
        "Token endpoint answered HTTP 500 without Microsoft's error JSON (text/html, 53 bytes)",
      );
    });

    it('turns a 200 body that is not JSON into invalid_response', async () => {
      tokenAnswers({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: 'access_token=abc',
      });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({ code: 'invalid_response', endpoint: 'token', status: 200 });
      expect(err.message).to.contain('not a JSON object');
    });

    it('turns a 200 JSON array into invalid_response', async () => {
      tokenAnswers({ json: [tokenResponse()] });
      expect(await loginError(MicrosoftHttpError)).to.include({ code: 'invalid_response' });
    });

    it('turns a 200 response without access_token into invalid_response', async () => {
      const { access_token: _dropped, ...rest } = tokenResponse();
      tokenAnswers({ json: rest });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({
        code: 'invalid_response',
        message: 'Token endpoint response has no access_token',
      });
    });

    it('turns a non-string refresh_token into invalid_response', async () => {
      tokenAnswers({ json: tokenResponse({ refresh_token: 42 }) });
      const err = await loginError(MicrosoftHttpError);
      expect(err.message).to.equal('Token endpoint response has a non-string refresh_token');
    });

    it('treats error JSON sent with HTTP 200 as a MicrosoftTokenError', async () => {
      tokenAnswers({
        json: {
          error: 'invalid_grant',
          error_description:
            'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.',
        },
      });
      const err = await loginError(MicrosoftTokenError);
      expect(err).to.include({ code: 'invalid_grant', status: 200 });
    });

    it('times out a token endpoint that never answers', async () => {
      tokenAnswers({ hang: true });
      const started = Date.now();
      const err = await loginError(MicrosoftHttpError, { timeout: 200 });
      const elapsed = Date.now() - started;
      expect(err).to.include({ code: 'timeout', endpoint: 'token' });
      expect(err.message).to.equal(
        `POST ${server.url}/common/oauth2/v2.0/token: no complete response within 200 ms`,
      );
      // Generous: the 200 ms timeout must end the login, not the test's own 20 s limit.
      expect(elapsed, `the 200 ms timeout ended the login after ${elapsed} ms`).to.be.below(3000);
    });

    it('reports a refused connection', async () => {
      const closed = await closedPortURL();
      const s = new Strategy(
        { ...fakeOptions(server), authority: `${closed}/common` },
        recordingVerify().verify,
      );
      const err = expectErrorOf(await login(s), MicrosoftHttpError);
      expectNoSecrets(err);
      expect(err).to.include({
        code: 'connection_refused',
        endpoint: 'token',
        url: `${closed}/common/oauth2/v2.0/token`,
      });
      expect(err.cause).to.be.instanceOf(Error);
    });

    it('reports a connection reset in the middle of the body', async () => {
      tokenAnswers({ reset: true });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({ code: 'connection_reset', endpoint: 'token' });
    });

    it('refuses a token response over 256 kB', async () => {
      tokenAnswers({ json: tokenResponse({ padding: 'x'.repeat(300 * 1024) }) });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({ code: 'body_too_large', endpoint: 'token', status: 200 });
    });
  });

  describe('Microsoft Graph /me', () => {
    it('turns a 401 JSON error into MicrosoftGraphError InvalidAuthenticationToken with the request id', async () => {
      graphAnswers({ status: 401, json: GRAPH_401 });
      const err = await loginError(MicrosoftGraphError);
      expect(err).to.include({
        name: 'MicrosoftGraphError',
        code: 'InvalidAuthenticationToken',
        status: 401,
        requestId: 'e6ea1bde-9f04-46a8-9705-824047cfd611',
        url: `${server.url}/v1.0/me`,
      });
      expect(err.message).to.equal(
        `Microsoft Graph ${server.url}/v1.0/me failed with HTTP 401 InvalidAuthenticationToken: Access token is empty.`,
      );
      expect(err).to.not.have.property('retryAfter');
    });

    it('prefers the request-id header and accepts innererror spelled in lower case', async () => {
      graphAnswers({
        status: 403,
        headers: { 'request-id': 'from-header' },
        json: {
          error: {
            code: 'Authorization_RequestDenied',
            message: 'Insufficient privileges.',
            innererror: { 'request-id': 'from-body' },
          },
        },
      });
      expect(await loginError(MicrosoftGraphError)).to.include({
        code: 'Authorization_RequestDenied',
        status: 403,
        requestId: 'from-header',
      });
    });

    it('an empty request-id header counts as absent: the innerError request id is used', async () => {
      graphAnswers({
        status: 403,
        headers: { 'request-id': '' },
        json: { error: { code: 'Forbidden', innerError: { 'request-id': 'from-body' } } },
      });
      expect(await loginError(MicrosoftGraphError)).to.include({ requestId: 'from-body' });
    });

    it('turns 429 with a decimal Retry-After (2.128) into retryAfter 3, rounded up', async () => {
      graphAnswers({
        status: 429,
        headers: { 'retry-after': '2.128' },
        json: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } },
      });
      expect(await loginError(MicrosoftGraphError)).to.include({ status: 429, retryAfter: 3 });
    });

    it('reads the request id from innererror in lower case', async () => {
      graphAnswers({
        status: 403,
        json: { error: { code: 'Forbidden', innererror: { 'request-id': 'from-body' } } },
      });
      expect(await loginError(MicrosoftGraphError)).to.include({ requestId: 'from-body' });
    });

    it('turns 429 with Retry-After into MicrosoftGraphError with retryAfter seconds', async () => {
      graphAnswers({
        status: 429,
        headers: { 'retry-after': '7' },
        json: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } },
      });
      expect(await loginError(MicrosoftGraphError)).to.include({
        code: 'TooManyRequests',
        status: 429,
        retryAfter: 7,
      });
    });

    it('reads an HTTP-date Retry-After on 503', async () => {
      graphAnswers({
        status: 503,
        headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
        body: 'Service Unavailable',
      });
      const err = await loginError(MicrosoftGraphError);
      expect(err).to.include({ code: 'http_503', status: 503 });
      expect(err.retryAfter).to.be.within(28, 31);
    });

    it('ignores Retry-After on other statuses', async () => {
      graphAnswers({
        status: 500,
        headers: { 'retry-after': '5' },
        json: { error: { code: 'generalException' } },
      });
      const err = await loginError(MicrosoftGraphError);
      expect(err).to.include({ code: 'generalException', status: 500 });
      expect(err).to.not.have.property('retryAfter');
    });

    it('names the status when the error body is not JSON', async () => {
      graphAnswers({ status: 404, body: 'Not Found' });
      const err = await loginError(MicrosoftGraphError);
      expect(err.code).to.equal('http_404');
      expect(err.message).to.equal(
        `Microsoft Graph ${server.url}/v1.0/me failed with HTTP 404 http_404`,
      );
    });

    it('turns a body that is not JSON into MicrosoftProfileError not_json, never a SyntaxError', async () => {
      graphAnswers({ headers: { 'content-type': 'text/html' }, body: '<html>Graph</html>' });
      const err = await loginError(MicrosoftProfileError);
      expect(err.code).to.equal('not_json');
      expect(err.message).to.equal(
        'Microsoft Graph /me returned a body that is not JSON (18 bytes)',
      );
      expect(err.cause).to.be.instanceOf(SyntaxError);
    });

    it('turns a JSON array into MicrosoftProfileError not_object', async () => {
      graphAnswers({ json: [WORK_ME] });
      const err = await loginError(MicrosoftProfileError);
      expect(err.code).to.equal('not_object');
      expect(err.message).to.equal(
        'Microsoft Graph /me returned an array instead of a user object',
      );
    });

    it('turns JSON null into MicrosoftProfileError not_object', async () => {
      graphAnswers({ body: 'null' });
      expect((await loginError(MicrosoftProfileError)).message).to.equal(
        'Microsoft Graph /me returned null instead of a user object',
      );
    });

    it('turns a user without id into MicrosoftProfileError missing_id', async () => {
      const { id: _dropped, ...rest } = WORK_ME;
      graphAnswers({ json: rest });
      const err = await loginError(MicrosoftProfileError);
      expect(err.code).to.equal('missing_id');
    });

    it('treats a blank or non-string id as missing', async () => {
      graphAnswers({ json: { ...WORK_ME, id: '  ' } });
      expect((await loginError(MicrosoftProfileError)).code).to.equal('missing_id');
      graphAnswers({ json: { ...WORK_ME, id: 12345 } });
      expect((await loginError(MicrosoftProfileError)).code).to.equal('missing_id');
    });

    it('refuses a body over 1 MB', async () => {
      graphAnswers({ json: { ...WORK_ME, padding: 'x'.repeat(1024 * 1024) } });
      const err = await loginError(MicrosoftHttpError);
      expect(err).to.include({
        code: 'body_too_large',
        endpoint: 'graph',
        status: 200,
        url: `${server.url}/v1.0/me`,
      });
    });

    it('times out a Graph that never answers', async () => {
      graphAnswers({ hang: true });
      const err = await loginError(MicrosoftHttpError, { timeout: 200 });
      expect(err).to.include({ code: 'timeout', endpoint: 'graph' });
    });

    it('reports a refused Graph connection', async () => {
      const closed = await closedPortURL();
      const err = await loginError(MicrosoftHttpError, { graphBaseURL: `${closed}/v1.0` });
      expect(err).to.include({ code: 'connection_refused', endpoint: 'graph' });
    });
  });

  describe('passport-oauth2 hooks', () => {
    it('parseErrorResponse turns Microsoft error JSON into a MicrosoftTokenError', () => {
      const err = strategy().parseErrorResponse(JSON.stringify(TOKEN_ERROR), 400);
      expect(err).to.be.instanceOf(MicrosoftTokenError);
      expect(err).to.include({ code: 'invalid_scope', status: 400, traceId: TOKEN_ERROR.trace_id });
    });

    it('parseErrorResponse returns null for a body that is not Microsoft error JSON', () => {
      const s = strategy();
      expect(s.parseErrorResponse('<html/>', 500)).to.equal(null);
      expect(s.parseErrorResponse('{"error":""}', 400)).to.equal(null);
      expect(s.parseErrorResponse('[1]', 400)).to.equal(null);
    });

    it('tokenErrorFromBody keeps only numeric error codes', () => {
      const err = tokenErrorFromBody(
        { error: 'invalid_request', error_codes: [900144, '7', null, Number.NaN] },
        400,
      );
      expect(err?.errorCodes).to.deep.equal([900144]);
    });
  });
});

describe('unit: error helpers', () => {
  it('parseAadsts reads code, trace id, correlation id and timestamp', () => {
    expect(
      parseAadsts(
        'AADSTS50011: The redirect URI does not match.\r\nTrace ID: 747c0cc1-ccbd-4e53-8e2f-48812eb24100\r\nCorrelation ID: 362e3cb3-2fe1-4d2b-9c34-7a6d2e3b9f01\r\nTimestamp: 2022-09-08 09:58:12Z',
      ),
    ).to.deep.equal({
      aadsts: 50011,
      traceId: '747c0cc1-ccbd-4e53-8e2f-48812eb24100',
      correlationId: '362e3cb3-2fe1-4d2b-9c34-7a6d2e3b9f01',
      timestamp: '2022-09-08 09:58:12Z',
    });
  });

  it('parseAadsts leaves out what is not there', () => {
    expect(parseAadsts('User cancelled')).to.deep.equal({});
    expect(parseAadsts(undefined)).to.deep.equal({});
    expect(parseAadsts(42)).to.deep.equal({});
  });

  it('retryAfterSeconds reads delta-seconds and HTTP dates and ignores nonsense', () => {
    expect(retryAfterSeconds({ 'retry-after': '120' })).to.equal(120);
    expect(
      retryAfterSeconds({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() }),
    ).to.equal(0);
    expect(retryAfterSeconds({ 'retry-after': 'soon' })).to.equal(undefined);
    expect(retryAfterSeconds({ 'retry-after': '2.128' })).to.equal(3);
    expect(retryAfterSeconds({ 'retry-after': '0.5' })).to.equal(1);
    expect(retryAfterSeconds({ 'retry-after': '4.0' })).to.equal(4);
    expect(retryAfterSeconds({ 'retry-after': '1e3' })).to.equal(undefined);
    expect(retryAfterSeconds({ 'retry-after': '' })).to.equal(undefined);
    expect(retryAfterSeconds({})).to.equal(undefined);
  });

  it('retryAfterSeconds ignores a delta too large to be a number of seconds (regression: it became Infinity)', () => {
    expect(retryAfterSeconds({ 'retry-after': '9'.repeat(400) })).to.equal(undefined);
    expect(retryAfterSeconds({ 'retry-after': String(Number.MAX_SAFE_INTEGER) })).to.equal(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('describeURL drops the query and fragment', () => {
    expect(describeURL('https://graph.microsoft.com/v1.0/me?access_token=secret#x')).to.equal(
      'https://graph.microsoft.com/v1.0/me',
    );
    expect(describeURL('https://graph.microsoft.com/v1.0/me')).to.equal(
      'https://graph.microsoft.com/v1.0/me',
    );
  });

  it('MicrosoftGraphError, MicrosoftHttpError and MicrosoftProfileError keep cause and code', () => {
    const cause = new Error('inner');
    expect(
      new MicrosoftHttpError('network', 'jwks', 'https://x/keys', 'failed', { cause, status: 502 }),
    ).to.include({ code: 'network', endpoint: 'jwks', status: 502, cause });
    expect(new MicrosoftProfileError('not_json', 'bad', { cause })).to.include({
      code: 'not_json',
      cause,
    });
    expect(new MicrosoftGraphError({ status: 400, url: 'https://graph/me' })).to.include({
      code: 'http_400',
      message: 'Microsoft Graph https://graph/me failed with HTTP 400 http_400',
    });
  });
});
