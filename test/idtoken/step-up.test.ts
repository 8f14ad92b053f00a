/**
 * Step-up through the Passport strategy: per-request
 * `maxAge`, `prompt: 'login'` and `claims` are kept with the pending login (session store and
 * cookie store), enforced on the callback, and reported as `info.stepUp`.
 */
import { expect } from 'chai';
import { CookieStateStore } from '../../lib/state/cookie-state-store.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftAuthenticateOptions, MicrosoftRequest } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { expectIdTokenErrorOutcome } from '../helpers/errors.js';
import {
  authenticate,
  expectRedirect,
  expectSuccess,
  fakeRequest,
  queryOf,
} from '../helpers/passport.js';
import type { Outcome } from '../helpers/passport.js';
import { CLIENT_ID, CLIENT_SECRET, WORK_TID, epoch, startFixture } from './fixture-server.js';
import type { IdpFixture } from './fixture-server.js';

const CALLBACK = 'http://127.0.0.1/login/callback';
const OID = '5b1c2f1e-8f0a-4c55-9c31-1f3c1a2b3d4e';
const ACRS_C1 = '{"id_token":{"acrs":{"essential":true,"value":"c1"}}}';

describe('step-up through the Strategy', () => {
  let fx: IdpFixture;
  let codes = 0;

  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });

  function makeStrategy(extra: Partial<StrategyOptions> = {}): Strategy {
    return new Strategy(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: CALLBACK,
        authority: fx.authority('common'),
        graphBaseURL: `${fx.origin}/v1.0`,
        profileSource: 'id_token',
        ...extra,
      },
      (_at: string, _rt: string | undefined, profile, done) => done(null, { id: profile.id }),
    );
  }

  /** A request that carries the cookies set so far and collects the ones the store sets. */
  function request(url: string, jar: Map<string, string>, session: Record<string, unknown>) {
    const req = fakeRequest({ url, session }) as MicrosoftRequest & {
      res?: {
        headersSent: boolean;
        getHeader(n: string): unknown;
        setHeader(n: string, v: string[]): void;
      };
    };
    req.headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    req.res = {
      headersSent: false,
      getHeader: () => undefined,
      setHeader: (_n, values) => {
        for (const line of values) {
          const [pair] = line.split(';');
          const [name, value] = (pair ?? '').split('=');
          if (name !== undefined && value !== undefined) jar.set(name, value);
        }
      },
    };
    return req;
  }

  /** Both legs: Microsoft answers an ID token with `extra` claims and the login's nonce. */
  async function stepUpLogin(
    strategy: Strategy,
    options: MicrosoftAuthenticateOptions,
    extra: Record<string, unknown>,
  ): Promise<Outcome> {
    const session: Record<string, unknown> = {};
    const jar = new Map<string, string>();
    const start = expectRedirect(
      await authenticate(strategy, request('/login', jar, session), options),
    );
    const { state, nonce } = queryOf(start.url);
    const now = epoch();
    const idToken = await fx.sign({
      ver: '2.0',
      iss: fx.issuer(WORK_TID),
      sub: 'q2Xz0nJcH8m6bYV3rTtPp7f5WkLw4d9sUe1aG0iRyHc',
      aud: CLIENT_ID,
      iat: now - 5,
      nbf: now - 5,
      exp: now + 3600,
      tid: WORK_TID,
      oid: OID,
      nonce,
      ...extra,
    });
    const code = `code-${(codes += 1)}`;
    fx.tokenAnswers.set(code, {
      body: { token_type: 'Bearer', access_token: `at-${code}`, id_token: idToken },
    });
    const url = `/login/callback?code=${code}&state=${encodeURIComponent(state ?? '')}`;
    return authenticate(strategy, request(url, jar, session));
  }

  for (const [label, extra] of [
    ['the session store', {}],
    [
      'the cookie store',
      { store: new CookieStateStore({ secret: 'step-up-test-cookie-store-secret-0001' }) },
    ],
  ] as const) {
    describe(`with ${label}`, () => {
      it('maxAge: a recent auth_time signs in and info.stepUp says so', async () => {
        const authTime = epoch() - 30;
        const outcome = await stepUpLogin(
          makeStrategy(extra),
          { maxAge: 60 },
          { auth_time: authTime },
        );
        expect(expectSuccess(outcome).info).to.deep.equal({ stepUp: { authTime, maxAge: 60 } });
      });

      it('maxAge: an auth_time older than maxAge + clockTolerance is MicrosoftIdTokenError auth_time', async () => {
        const outcome = await stepUpLogin(
          makeStrategy({ ...extra, clockTolerance: 0 }),
          { maxAge: 60 },
          { auth_time: epoch() - 120 },
        );
        expectIdTokenErrorOutcome(outcome, 'auth_time');
      });

      it('prompt=login: an auth_time from before the login is MicrosoftIdTokenError auth_time', async () => {
        const outcome = await stepUpLogin(
          makeStrategy({ ...extra, clockTolerance: 10 }),
          { prompt: 'login' },
          { auth_time: epoch() - 3600 },
        );
        expectIdTokenErrorOutcome(outcome, 'auth_time');
      });

      it('prompt=login: a fresh auth_time signs in with info.stepUp.freshLogin', async () => {
        const authTime = epoch();
        const outcome = await stepUpLogin(
          makeStrategy(extra),
          { prompt: 'login' },
          { auth_time: authTime },
        );
        expect(expectSuccess(outcome).info).to.deep.equal({
          stepUp: { authTime, freshLogin: true },
        });
      });

      it('claims asking for acrs c1: a token without c1 is MicrosoftIdTokenError acrs, with c1 signs in', async () => {
        const refused = await stepUpLogin(
          makeStrategy(extra),
          { claims: ACRS_C1 },
          { acrs: ['c2'] },
        );
        expectIdTokenErrorOutcome(refused, 'acrs');
        const ok = await stepUpLogin(
          makeStrategy(extra),
          { claims: ACRS_C1, state: 'app' },
          { acrs: ['c1'] },
        );
        expect(expectSuccess(ok).info).to.deep.equal({ stepUp: { acrs: ['c1'] }, state: 'app' });
      });
    });
  }

  it('an ordinary login has no stepUp in info and needs no auth_time', async () => {
    const outcome = await stepUpLogin(makeStrategy(), {}, {});
    expect(expectSuccess(outcome).info).to.deep.equal({});
  });
});
