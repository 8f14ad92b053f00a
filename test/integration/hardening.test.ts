/**
 * Hardening of the Passport strategy and silent sign-in: error callbacks matched to a pending login, risky configuration refused or warned
 * about, the token endpoint's client authentication, and the profile's guest rules.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { MicrosoftTokenError, MicrosoftStateError } from '../../lib/errors.js';
import { safeLogValue } from '../../lib/log.js';
import type { MicrosoftLogger } from '../../lib/log.js';
import { normalizeProfile } from '../../lib/profile/normalize.js';
import { readClaims } from '../../lib/profile/claims.js';
import { readGraphUser } from '../../lib/profile/graph-user.js';
import { Strategy } from '../../lib/passport/strategy.js';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import { basicAuthorization } from '../../lib/clients/token.js';
import type { MicrosoftRequest, StateStore, StateTakeResult } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  CALLBACK_PATH,
  CLIENT_ID,
  CLIENT_SECRET,
  TOKEN_ROUTE,
  fakeOptions,
  login,
  recordingVerify,
  startFakeMicrosoft,
  startLogin,
} from '../helpers/microsoft.js';
import {
  authenticate,
  expectErrorOf,
  expectFail,
  expectSuccess,
  fakeRequest,
} from '../helpers/passport.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ATTACKER = 'Your account is locked. Call +1 555 0100\r\n[INFO] admin signed in';
const FAILURE = /^Unable to verify authorization request state/;

function fixture(name: string): unknown {
  const file = path.join(__dirname, '..', 'fixtures', 'graph', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

/** A logger that records what it is told. */
function recordingLogger(): MicrosoftLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message: string) => lines.push(message) };
}

describe('unit: hardening of the strategy', () => {
  let server: FakeServer;
  const nodeEnv = process.env['NODE_ENV'];
  function setNodeEnv(value: string): void {
    process.env['NODE_ENV'] = value;
  }

  beforeEach(async () => {
    server = await startFakeMicrosoft();
  });
  afterEach(async () => {
    sinon.restore();
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
    await server.close();
  });

  function strategy(extra: Partial<StrategyOptions> = {}): Strategy {
    return new Strategy(fakeOptions(server, extra), recordingVerify().verify);
  }

  async function errorCallback(
    s: Strategy,
    params: Record<string, string>,
    session: Record<string, unknown>,
  ) {
    const query = new URLSearchParams(params);
    return authenticate(s, fakeRequest({ url: `${CALLBACK_PATH}?${query.toString()}`, session }));
  }

  describe('error callbacks need their pending login', () => {
    it('an error callback without a session: 403 state failure, keeping neither description nor URI', async () => {
      const outcome = expectFail(
        await errorCallback(
          strategy(),
          {
            error: 'server_error',
            error_description: ATTACKER,
            error_uri: 'https://evil.example/help',
          },
          {},
        ),
      );
      expect(outcome.status).to.equal(403);
      const challenge = outcome.challenge as { message: string };
      expect(challenge).to.have.all.keys('message', 'reason');
      expect(challenge.message).to.match(FAILURE);
      expect(JSON.stringify(outcome)).to.not.include('locked').and.not.include('evil');
    });

    it('an access_denied callback whose state is not a pending login: 403 state failure', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await errorCallback(
          s,
          { error: 'access_denied', error_description: ATTACKER, state: 'forged-state' },
          started.session,
        ),
      );
      expect(outcome.status).to.equal(403);
      expect((outcome.challenge as { message: string }).message).to.match(FAILURE);
    });

    it('an error callback with a pending login but an error outside RFC 6749 characters: MicrosoftStateError callback_malformed', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const err = expectErrorOf(
        await errorCallback(s, { error: 'x\r\ny', state: started.state }, started.session),
        MicrosoftStateError,
      );
      expect(err.code).to.equal('callback_malformed');
    });

    it('an error callback with a pending login: description capped at 512, non-https error_uri dropped', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await errorCallback(
          s,
          {
            error: 'access_denied',
            error_description: 'd'.repeat(2000),
            error_uri: 'http://evil.example/',
            state: started.state,
          },
          started.session,
        ),
      );
      expect((outcome.challenge as { message: string }).message).to.equal('d'.repeat(512));
      expect(JSON.stringify(outcome)).to.not.include('evil');
    });
  });

  describe('step-up options refused without state', () => {
    it('refuses maxAge, prompt login and essential acrs with state: false, naming the option, since nothing could check them', async () => {
      const s = strategy({ state: false, scope: ['openid', 'User.Read'] });
      const asks: Array<[Record<string, unknown>, string]> = [
        [{ maxAge: 60 }, 'option maxAge needs state'],
        [{ prompt: 'login' }, "option prompt 'login' needs state"],
        [
          { claims: JSON.stringify({ id_token: { acrs: { essential: true, value: 'c1' } } }) },
          'option claims (acrs) needs state',
        ],
      ];
      for (const [options, message] of asks) {
        const outcome = await authenticate(
          s,
          fakeRequest({ url: '/auth/microsoft', session: {} }),
          options,
        );
        const err = expectErrorOf(outcome, TypeError);
        expect(err.message).to.equal(
          `passport.authenticate("microsoft") ${message}: the requirement is kept with the pending login, and without it the callback could not enforce it`,
        );
      }
      // Without a requirement, state: false still starts a login.
      const plain = await authenticate(s, fakeRequest({ url: '/auth/microsoft', session: {} }), {
        prompt: 'consent',
      });
      expect(plain.action).to.equal('redirect');
    });
  });

  describe("access_denied keeps Microsoft's error_subcode", () => {
    it('access_denied with error_subcode=cancel puts subcode into the fail info', async () => {
      const s = strategy();
      const started = await startLogin(s);
      const outcome = expectFail(
        await errorCallback(
          s,
          { error: 'access_denied', error_subcode: 'cancel', state: started.state },
          started.session,
        ),
      );
      expect(outcome.challenge).to.deep.equal({
        message: 'Sign-in was cancelled',
        error: 'access_denied',
        subcode: 'cancel',
      });
    });
  });

  describe('silent sign-in answers end in fail, never error', () => {
    for (const code of [
      'login_required',
      'interaction_required',
      'consent_required',
      'account_selection_required',
    ]) {
      it(`prompt none answered with ${code}: fail({ message, reason }, 401), never error`, async () => {
        const s = strategy();
        const started = await startLogin(s, { prompt: 'none' });
        expect(new URL(started.authorizeURL).searchParams.get('prompt')).to.equal('none');
        const description = `AADSTS50058: A silent sign-in request was sent but no user is signed in.`;
        const outcome = expectFail(
          await errorCallback(
            s,
            { error: code, error_description: description, state: started.state },
            started.session,
          ),
        );
        expect(outcome.status).to.equal(401);
        expect(outcome.challenge).to.deep.equal({
          message: description,
          reason: code,
          error: code,
          aadsts: 50058,
        });
      });
    }
  });

  describe('token errors with a claims challenge', () => {
    it('AADSTS50076 keeps suberror and claims on MicrosoftTokenError', async () => {
      const claims = '{"access_token":{"capolids":{"essential":true,"values":["c1"]}}}';
      server.route(TOKEN_ROUTE, {
        status: 400,
        json: {
          error: 'invalid_grant',
          error_description: 'AADSTS50076: Due to a configuration change, you must use MFA.',
          error_codes: [50076],
          suberror: 'basic_action',
          claims,
        },
      });
      const err = expectErrorOf(await login(strategy()), MicrosoftTokenError);
      expect(err).to.include({ code: 'invalid_grant', suberror: 'basic_action', claims });
      expect(err.errorCodes).to.deep.equal([50076]);
    });

    it('a per-request claims option is sent as claims on the authorize URL', async () => {
      const claims = '{"access_token":{"capolids":{"essential":true,"values":["c1"]}}}';
      const started = await startLogin(strategy(), { claims, acrValues: 'c1' });
      const q = new URL(started.authorizeURL).searchParams;
      expect(q.get('claims')).to.equal(claims);
      expect(q.get('acr_values')).to.equal('c1');
    });
  });

  describe('tokenAuthMethod: client authentication at the token endpoint', () => {
    it('client_secret_basic: the token request carries HTTP Basic and no secret in the body', async () => {
      expectSuccess(await login(strategy({ tokenAuthMethod: 'client_secret_basic' })));
      const [token] = server.requestsTo(TOKEN_ROUTE);
      expect(token?.headers['authorization']).to.equal(
        `Basic ${Buffer.from(`${CLIENT_ID}:${encodeURIComponent(CLIENT_SECRET).replace(/~/g, '%7E')}`).toString('base64')}`,
      );
      expect(token?.form.has('client_secret')).to.equal(false);
      expect(token?.form.has('client_id')).to.equal(false);
    });

    it('client_secret_basic form-urlencodes the id and the secret (RFC 6749 section 2.3.1)', () => {
      const header = basicAuthorization('my app', 'a+b:c/d~e é');
      const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
      expect(decoded).to.equal('my+app:a%2Bb%3Ac%2Fd%7Ee+%C3%A9');
    });

    it('client_secret_basic is used by refresh too', async () => {
      const s = strategy({ tokenAuthMethod: 'client_secret_basic' });
      await s.refresh('refresh-token-1');
      const [token] = server.requestsTo(TOKEN_ROUTE);
      expect(token?.headers['authorization']).to.match(/^Basic /);
      expect(token?.form.get('grant_type')).to.equal('refresh_token');
      expect(token?.form.has('client_secret')).to.equal(false);
    });

    it('client_secret_post stays the default', async () => {
      expectSuccess(await login(strategy()));
      const [token] = server.requestsTo(TOKEN_ROUTE);
      expect(token?.headers).to.not.have.property('authorization');
      expect(token?.form.get('client_secret')).to.equal(CLIENT_SECRET);
    });

    it('an unknown tokenAuthMethod is a TypeError naming the option', () => {
      expect(() =>
        strategy({ tokenAuthMethod: 'private_key_jwt' as 'client_secret_post' }),
      ).to.throw(TypeError, 'option tokenAuthMethod must be');
    });
  });

  describe('risky configuration refused or warned about', () => {
    it('clockTolerance above 600 s is a TypeError; 600 is accepted', () => {
      expect(() => strategy({ clockTolerance: 601 })).to.throw(
        TypeError,
        'option clockTolerance must be at most 600 seconds',
      );
      expect(() => strategy({ clockTolerance: 600 })).to.not.throw();
    });

    for (const option of [
      'authority',
      'tokenURL',
      'authorizationURL',
      'graphBaseURL',
      'apiEntryPoint',
    ] as const) {
      it(`http: ${option} on a non-loopback host is a TypeError; loopback hosts are accepted`, () => {
        const base = { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: '/cb' };
        const url = (host: string) =>
          option === 'authority'
            ? `http://${host}/common`
            : option === 'apiEntryPoint'
              ? `http://${host}`
              : option === 'graphBaseURL'
                ? `http://${host}/v1.0`
                : `http://${host}/common/oauth2/v2.0/x`;
        const verify = recordingVerify().verify;
        expect(
          () => new Strategy({ ...base, [option]: url('login.example.com') }, verify),
        ).to.throw(TypeError, `option ${option} must use https`);
        expect(() => new Strategy({ ...base, [option]: url('10.0.0.1') }, verify)).to.throw(
          TypeError,
        );
        expect(
          () => new Strategy({ ...base, [option]: url('127.0.0.1.evil.example') }, verify),
        ).to.throw(TypeError);
        for (const host of ['127.0.0.1:8080', '127.10.0.3', 'localhost:3000', '[::1]:9000'])
          expect(() => new Strategy({ ...base, [option]: url(host) }, verify), host).to.not.throw();
      });
    }

    describe('a login started on another host than callbackURL', () => {
      async function start(s: Strategy, host: string, forwarded?: string): Promise<void> {
        const headers: Record<string, string> = { host };
        if (forwarded !== undefined) headers['x-forwarded-host'] = forwarded;
        const req = fakeRequest({ url: '/auth/microsoft', session: {}, headers });
        expect((await authenticate(s, req)).action).to.equal('redirect');
      }
      const CALLBACK = 'http://localhost:3000/login/callback';

      it('warns once through the logger that the session cookie will not come back', async () => {
        const logger = recordingLogger();
        const s = strategy({ logger, callbackURL: CALLBACK });
        await start(s, '127.0.0.1:3000');
        await start(s, '127.0.0.1:3000');
        expect(logger.lines).to.deep.equal([
          `MicrosoftStrategy: a login started on host 127.0.0.1:3000, but callbackURL is on localhost:3000: the browser keeps cookies per host, so the session cookie will not come back with Microsoft's callback and the sign-in will fail ("Unable to verify authorization request state"). Open the app at localhost:3000, or set callbackURL to the host users open (docs/errors.md). Logged once.`,
        ]);
      });

      it('does not warn when the hosts match (case-insensitively), nor for a relative callbackURL', async () => {
        const logger = recordingLogger();
        await start(strategy({ logger, callbackURL: CALLBACK }), 'LocalHost:3000');
        await start(strategy({ logger, callbackURL: '/login/callback' }), '127.0.0.1:3000');
        expect(
          logger.lines.filter((line) => line.includes('a login started on host')),
        ).to.deep.equal([]);
      });

      it('reads the forwarded host behind a trusted proxy, and escapes what the client sent', async () => {
        const logger = recordingLogger();
        const proxied = strategy({ logger, callbackURL: CALLBACK, proxy: true });
        await start(proxied, 'internal:8080', 'localhost:3000');
        expect(logger.lines).to.deep.equal([]);
        await start(proxied, 'internal:8080', 'evil\r\n[INFO] x');
        expect(logger.lines).to.have.length(1);
        expect(logger.lines[0]).to.include('on host evil\\r\\n[INFO] x,').and.not.include('\r');
      });

      it('does not warn without a state store (state: false)', async () => {
        const logger = recordingLogger();
        await start(strategy({ logger, callbackURL: CALLBACK, state: false }), '127.0.0.1:3000');
        expect(
          logger.lines.filter((line) => line.includes('a login started on host')),
        ).to.deep.equal([]);
      });
    });

    it('a loopback authority with NODE_ENV=production warns once through the logger', () => {
      setNodeEnv('production');
      const logger = recordingLogger();
      strategy({ logger, allowInsecureCallbackURL: true });
      expect(logger.lines).to.have.length(1);
      expect(logger.lines[0]).to.include('loopback authority').and.include('production');
    });

    it('a loopback authority outside production does not warn', () => {
      setNodeEnv('development');
      const logger = recordingLogger();
      strategy({ logger });
      expect(logger.lines).to.deep.equal([]);
    });

    it('the default logger is process.emitWarning', () => {
      setNodeEnv('production');
      const emit = sinon.stub(process, 'emitWarning');
      strategy({ allowInsecureCallbackURL: true });
      expect(emit.callCount).to.equal(1);
      expect(String(emit.firstCall.args[0])).to.include('loopback authority');
    });

    it('a logger without warn() is a TypeError naming the option', () => {
      expect(() => strategy({ logger: {} as MicrosoftLogger })).to.throw(
        TypeError,
        'option logger must be an object with a warn(message) method',
      );
    });

    it('a relative callbackURL with proxy: true warns once, naming Host and X-Forwarded-Host', async () => {
      const logger = recordingLogger();
      const s = strategy({ callbackURL: CALLBACK_PATH, proxy: true, logger });
      await startLogin(s);
      await startLogin(s);
      expect(logger.lines).to.have.length(1);
      expect(logger.lines[0]).to.include('X-Forwarded-Host').and.include('absolute callbackURL');
    });

    it('a relative callbackURL without proxy warns once, naming the Host header', async () => {
      const logger = recordingLogger();
      const s = strategy({ callbackURL: CALLBACK_PATH, logger });
      await startLogin(s);
      await startLogin(s);
      expect(logger.lines).to.have.length(1);
      expect(logger.lines[0])
        .to.include(`relative callbackURL ("${CALLBACK_PATH}")`)
        .and.include("request's Host header")
        .and.include(`absolute callbackURL (e.g. "https://app.example.com${CALLBACK_PATH}")`);
    });

    it('an absolute callbackURL does not warn, with or without proxy', () => {
      const logger = recordingLogger();
      strategy({ proxy: true, logger });
      strategy({ logger });
      expect(logger.lines).to.deep.equal([]);
    });

    it('NODE_ENV=production: a relative or http callbackURL is a TypeError naming allowInsecureCallbackURL', () => {
      setNodeEnv('production');
      const https = 'https://app.example.com/auth/microsoft/callback';
      for (const callbackURL of [CALLBACK_PATH, 'http://app.example.com/cb', 'HTTP://localhost/cb'])
        expect(() => strategy({ callbackURL }), callbackURL).to.throw(
          TypeError,
          'MicrosoftStrategy option callbackURL must be an absolute https URL when NODE_ENV is production',
        );
      expect(() => strategy({ callbackURL: CALLBACK_PATH })).to.throw(
        /allowInsecureCallbackURL: true/,
      );
      expect(() => strategy({ callbackURL: https, allowInsecureCallbackURL: true })).to.not.throw();
      expect(() =>
        strategy({ callbackURL: https.toUpperCase().replace('HTTPS', 'https') }),
      ).to.not.throw();
    });

    it('NODE_ENV=production: allowInsecureCallbackURL: true lets a relative or http callbackURL through', () => {
      setNodeEnv('production');
      const logger = recordingLogger();
      expect(() =>
        strategy({ callbackURL: CALLBACK_PATH, allowInsecureCallbackURL: true, logger }),
      ).to.not.throw();
      expect(() =>
        strategy({ callbackURL: 'http://app.example.com/cb', allowInsecureCallbackURL: true }),
      ).to.not.throw();
      // The relative one still warns.
      expect(logger.lines.some((line) => line.includes('relative callbackURL'))).to.equal(true);
    });

    it('NODE_ENV=production: MicrosoftSignIn refuses a relative callbackURL too', () => {
      setNodeEnv('production');
      expect(
        () =>
          new MicrosoftSignIn({
            clientID: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            callbackURL: CALLBACK_PATH,
          }),
      ).to.throw(TypeError, 'MicrosoftSignIn option callbackURL must be an absolute https URL');
    });

    it('NODE_ENV=production: a per-request relative callbackURL ends in error, not a redirect', async () => {
      const s = strategy({ callbackURL: 'https://app.example.com/auth/microsoft/callback' });
      setNodeEnv('production');
      const outcome = await authenticate(s, fakeRequest({ url: '/login', session: {} }), {
        callbackURL: '/elsewhere/callback',
      });
      const err = expectErrorOf(outcome, TypeError);
      expect(err.message).to.include('must be an absolute https URL when NODE_ENV is production');
    });

    it('a callbackURL that is not http or https is a TypeError, in the constructor and per request', async () => {
      for (const callbackURL of ['javascript:alert(1)', 'ftp://app.example.com/cb', 'myapp://cb'])
        expect(() => strategy({ callbackURL }), callbackURL).to.throw(
          TypeError,
          'option callbackURL must be an http or https URL (or a path such as /login/callback)',
        );
      expect(() => strategy({ callbackURL: 'http://[bad' })).to.throw(
        TypeError,
        'option callbackURL must be an http or https URL or a path',
      );
      const outcome = await authenticate(strategy(), fakeRequest({ url: '/login', session: {} }), {
        callbackURL: 'data:text/html,hi',
      });
      expect(expectErrorOf(outcome, TypeError).message).to.include('got a data: URL');
    });

    it('allowedTenants: [] is a TypeError saying it would refuse everyone', () => {
      expect(() => strategy({ allowedTenants: [] })).to.throw(
        TypeError,
        'MicrosoftStrategy option allowedTenants is an empty list, which would refuse every tenant (everyone)',
      );
    });

    it('state: false warns once that it turns off state, PKCE and the nonce', () => {
      const logger = recordingLogger();
      strategy({ state: false, pkce: false, logger });
      expect(logger.lines).to.have.length(1);
      expect(logger.lines[0]).to.include('state: false').and.include('PKCE').and.include('nonce');
      const quiet = recordingLogger();
      strategy({ logger: quiet });
      expect(quiet.lines).to.deep.equal([]);
    });
  });

  describe("a store's atomic take", () => {
    it('the strategy prefers a store’s take over verify', async () => {
      const saved = new Map<string, unknown>();
      const store: StateStore & { takes: number } = {
        takes: 0,
        store(_req, verifier, state, _meta, callback) {
          saved.set('handle-1', { verifier, state });
          callback(null, 'handle-1');
        },
        verify() {
          throw new Error('verify must not be called when the store has take');
        },
        take(_req: MicrosoftRequest, handle: string): Promise<StateTakeResult> {
          this.takes += 1;
          const entry = saved.get(handle) as { verifier: string; state: unknown } | undefined;
          saved.delete(handle);
          return Promise.resolve(
            entry
              ? { ok: entry.verifier, state: entry.state }
              : { ok: false, state: { message: 'gone' } },
          );
        },
      };
      const s = strategy({ store });
      expectSuccess(await login(s));
      expect(store.takes).to.equal(1);
      const replay = await authenticate(
        s,
        fakeRequest({ url: `${CALLBACK_PATH}?code=c&state=handle-1`, session: {} }),
      );
      expect(expectFail(replay)).to.include({ status: 403 });
    });
  });

  describe('profile guest rules', () => {
    it('addUPNAsEmail never adds an #EXT# UPN as an email', () => {
      const claims = readClaims(fixture('claims-guest'));
      const graph = readGraphUser(fixture('guest'));
      const profile = normalizeProfile({ claims, graph, addUPNAsEmail: true });
      expect(profile.emails).to.deep.equal([
        { value: 'jordan.lee@outlook.com', type: 'work', verified: false },
      ]);
      expect(normalizeProfile({ graph, addUPNAsEmail: true }).emails).to.deep.equal([
        { value: 'jordan.lee@outlook.com', type: 'work', verified: false },
      ]);
    });

    it('a guest: idp and isGuest true, typed Graph fields absent when Graph sends null', () => {
      const claims = readClaims(fixture('claims-guest'));
      const profile = normalizeProfile({ claims, graph: readGraphUser(fixture('guest')) });
      expect(profile).to.include({ idp: 'live.com', isGuest: true, accountType: 'work' });
      expect(profile).to.not.have.any.keys(
        'jobTitle',
        'mobilePhone',
        'businessPhones',
        'officeLocation',
        'preferredLanguage',
      );
    });

    it('isGuest: a guest from another tenant (idp of another tenant), and an #EXT# UPN alone', () => {
      const claims = readClaims(fixture('claims-work'));
      const otherTenant = readClaims({
        ...(fixture('claims-work') as object),
        idp: 'https://sts.windows.net/3f9a2c4b-0d1e-4f5a-8b6c-7d8e9f0a1b2c/',
      });
      expect(normalizeProfile({ claims: otherTenant }).isGuest).to.equal(true);
      const extGraph = {
        ...readGraphUser(fixture('work')),
        userPrincipalName: 'a_b.com#EXT#@contoso.onmicrosoft.com',
      };
      expect(normalizeProfile({ claims, graph: extGraph }).isGuest).to.equal(true);
      expect(normalizeProfile({ claims }).isGuest).to.equal(false);
    });

    it('isGuest is absent for personal accounts and without claims', () => {
      expect(
        normalizeProfile({ claims: readClaims(fixture('claims-personal')) }),
      ).to.not.have.property('isGuest');
      expect(normalizeProfile({ graph: readGraphUser(fixture('guest')) })).to.not.have.property(
        'isGuest',
      );
    });
  });

  describe('safeLogValue escapes values for log lines', () => {
    it('escapes control characters, line separators and bidi overrides, and caps the length', () => {
      expect(safeLogValue('a\r\nb\tc\u0000d\u001b[31m')).to.equal(
        'a\\r\\nb\\tc\\u0000d\\u001b[31m',
      );
      expect(safeLogValue('x\u2028y\u202ez\u0085')).to.equal('x\\u2028y\\u202ez\\u0085');
      expect(safeLogValue('é ü 漢字 ok')).to.equal('é ü 漢字 ok');
      expect(safeLogValue('a'.repeat(600))).to.equal(`${'a'.repeat(512)}…`);
      expect(safeLogValue('abcdef', 3)).to.equal('abc…');
      expect(safeLogValue(42)).to.equal('42');
    });
  });
});
