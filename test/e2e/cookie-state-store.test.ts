/**
 * End-to-end logins with the CookieStateStore: real Express + passport apps WITHOUT any session
 * middleware, the emulator, real HTTP on 127.0.0.1. The pending login lives only in the browser's
 * cookie, so a login begun on one instance finishes on another that shares nothing but the secret.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { Passport } from 'passport';
import sinon from 'sinon';
import { completeLogin, DEFAULT_CLIENT, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { CookieStateStore } from '../../lib/state/cookie-state-store.js';
import type { CookieStateStoreOptions } from '../../lib/state/cookie-state-store.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import { signIn, TestBrowser } from '../helpers/browser.js';
import { demoUser } from '../helpers/emulator.js';
import type { CallbackOutcome } from './app.js';
import { STATE_FAILURE } from '../helpers/state-failures.js';
import type { StateFailureKey } from '../helpers/state-failures.js';

const SECRET = 'e2e-cookie-secret-e2e-cookie-secret-0001';
const NEW_SECRET = 'e2e-cookie-secret-e2e-cookie-secret-0002';
/** The address browsers use in the several-instance tests; the test routes each request itself. */
const PUBLIC = 'http://localhost:8080';

/** The callback's answer: the Passport outcome plus who signed in and the application state. */
interface Outcome extends CallbackOutcome {
  user?: { id: string; tenantId: string | undefined };
  state?: unknown;
}

interface StatelessApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Express + passport with `session: false` everywhere and no session middleware. `GET /login`
 * starts a login (`?mode=form_post`, `?returnTo=…` kept as application state, `?big=1` for a state
 * too large for a cookie); `/login/callback` answers the outcome as JSON.
 */
async function startStatelessApp(
  emulator: Emulator,
  store: CookieStateStoreOptions,
  publicURL?: string,
): Promise<StatelessApp> {
  const app = express();
  const passport = new Passport();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const strategy = new Strategy(
    {
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
      callbackURL: `${publicURL ?? url}/login/callback`,
      store: new CookieStateStore(store),
    },
    (_accessToken, _refreshToken, profile, done) => done(null, { profile }),
  );
  passport.use(strategy);
  app.use(passport.initialize());
  app.get('/login', (req, res, next) => {
    const returnTo = req.query['returnTo'];
    passport.authenticate(strategy.name, {
      session: false,
      ...(req.query['mode'] === 'form_post' ? { responseMode: 'form_post' } : {}),
      ...(typeof returnTo === 'string' ? { state: returnTo } : {}),
      ...(req.query['big'] === '1' ? { state: 'x'.repeat(4000) } : {}),
    })(req, res, next);
  });
  const callback: express.RequestHandler = (req, res, next) => {
    passport.authenticate(
      strategy.name,
      { session: false },
      (
        err: unknown,
        user: { profile: MicrosoftProfile } | false,
        info: unknown,
        status: unknown,
      ) => {
        if (err) {
          const e = err as Error & { code?: unknown; errorCodes?: unknown };
          const outcome: Outcome = {
            action: 'error',
            error: { name: e.name, code: e.code, message: e.message, errorCodes: e.errorCodes },
          };
          res.status(500).json(outcome);
          return;
        }
        if (!user) {
          const outcome: Outcome = {
            action: 'fail',
            info: (info ?? {}) as Record<string, unknown>,
            ...(typeof status === 'number' ? { status } : {}),
          };
          res.status(typeof status === 'number' ? status : 401).json(outcome);
          return;
        }
        const outcome: Outcome = {
          action: 'success',
          user: { id: user.profile.id, tenantId: user.profile.tenantId },
          state: (info as { state?: unknown } | undefined)?.state,
        };
        res.json(outcome);
      },
    )(req, res, next);
  };
  app.get('/login/callback', callback);
  app.post('/login/callback', express.urlencoded({ extended: false }), callback);
  app.use(((err, _req, res, _next) => {
    const e = err as Error & { code?: unknown };
    res.status(500).json({ name: e.name, code: e.code, message: e.message });
  }) as express.ErrorRequestHandler);

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The browser's login cookies (those of the store's default `mslogin` prefix). */
function loginCookies(browser: TestBrowser): string[] {
  return [...browser.cookies.keys()].filter((name) => name.startsWith('mslogin.'));
}

function outcomeOf(body: string): Outcome {
  return JSON.parse(body) as Outcome;
}

/** Starts a login at `/login` and signs `account` in on the emulator; resolves with the callback URL. */
async function callbackURLFor(browser: TestBrowser, account: string, path = '/login') {
  const start = await browser.get(path);
  const answer = await completeLogin(start.location as string, account);
  if (answer.kind !== 'redirect') throw new Error(`expected a redirect, got ${answer.kind}`);
  return { start, callbackURL: answer.location };
}

describe('end-to-end sign-in with the cookie state store (no session middleware)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  const apps: StatelessApp[] = [];
  let clock: sinon.SinonFakeTimers | undefined;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await emulator.close();
  });
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  async function app(store: CookieStateStoreOptions, publicURL?: string): Promise<StatelessApp> {
    const a = await startStatelessApp(emulator, store, publicURL);
    apps.push(a);
    return a;
  }

  describe('logins that succeed', () => {
    it('signs a user in: the pending login is one HttpOnly cookie, cleared by the callback', async () => {
      const a = await app({ secret: SECRET });
      const browser = new TestBrowser(a.url);
      const { start, callback } = await signIn(browser, 'work');
      const handle = new URL(start.location as string).searchParams.get('state') ?? '';
      expect(start.setCookie).to.have.length(1);
      expect(start.setCookie[0]).to.match(
        new RegExp(
          `^mslogin\\.${handle}=[A-Za-z0-9_-]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`,
        ),
      );
      const outcome = outcomeOf(callback.body);
      expect(outcome).to.deep.include({
        action: 'success',
        user: { id: demoUser('work').oid, tenantId: demoUser('work').tid },
      });
      expect(callback.setCookie).to.deep.equal([
        `mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
      expect([...browser.cookies.keys()]).to.deep.equal([]);
    });

    it('hands the application state back in info.state', async () => {
      const a = await app({ secret: SECRET });
      const { callback } = await signIn(new TestBrowser(a.url), 'personal', '/login?returnTo=/x');
      expect(outcomeOf(callback.body)).to.deep.include({
        action: 'success',
        state: '/x',
      });
    });

    it('with formPost: true sets SameSite=None; Secure, and the form_post callback signs in', async () => {
      const a = await app({ secret: SECRET, formPost: true });
      const browser = new TestBrowser(a.url);
      const {
        start,
        emulator: answer,
        callback,
      } = await signIn(browser, 'guest', '/login?mode=form_post');
      expect(answer.kind).to.equal('form_post');
      expect(start.setCookie[0]).to.match(/; HttpOnly; SameSite=None; Secure$/);
      expect(outcomeOf(callback.body)).to.deep.include({ action: 'success' });
      expect(loginCookies(browser)).to.deep.equal([]);
    });

    it('finishes two logins pending in two tabs, in either order', async () => {
      const a = await app({ secret: SECRET });
      const browser = new TestBrowser(a.url);
      const first = await callbackURLFor(browser, 'personal');
      const second = await callbackURLFor(browser, 'work');
      expect(loginCookies(browser)).to.have.length(2);
      expect(outcomeOf((await browser.get(second.callbackURL)).body).user?.id).to.equal(
        demoUser('work').oid,
      );
      expect(outcomeOf((await browser.get(first.callbackURL)).body).user?.id).to.equal(
        demoUser('personal').oid,
      );
      expect(loginCookies(browser)).to.deep.equal([]);
    });

    it('a login begun on instance A finishes on instance B, which shares nothing but the secret', async () => {
      const a = await app({ secret: SECRET }, PUBLIC);
      const b = await app({ secret: SECRET }, PUBLIC);
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const trace = await signIn(browser, 'personal', '/login', b.url);
      expect(trace.callbackURL.startsWith(`${PUBLIC}/login/callback?code=`)).to.equal(true);
      expect(outcomeOf(trace.callback.body)).to.deep.include({
        action: 'success',
        user: { id: demoUser('personal').oid, tenantId: demoUser('personal').tid },
      });
    });

    it('after a secret rotation, logins begun with the old secret or the new one both finish', async () => {
      const old = await app({ secret: SECRET }, PUBLIC);
      const rotating = await app({ secret: [NEW_SECRET, SECRET] }, PUBLIC);
      const rotated = await app({ secret: NEW_SECRET }, PUBLIC);
      const browser = new TestBrowser(PUBLIC);
      browser.via = old.url;
      const begunOld = await signIn(browser, 'work', '/login', rotating.url);
      expect(outcomeOf(begunOld.callback.body)).to.deep.include({ action: 'success' });
      browser.via = rotating.url;
      const begunNew = await signIn(browser, 'work', '/login', rotated.url);
      expect(outcomeOf(begunNew.callback.body)).to.deep.include({ action: 'success' });
    });
  });

  describe('callbacks refused with 403 "Unable to verify authorization request state"', () => {
    let a: StatelessApp;
    before(async () => {
      a = await app({ secret: SECRET }, PUBLIC);
    });

    function expect403(body: string, reason: StateFailureKey): void {
      expect(outcomeOf(body)).to.deep.equal({
        action: 'fail',
        status: 403,
        info: STATE_FAILURE[reason],
      });
    }

    it('a replayed callback: the first one cleared the cookie', async () => {
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callback, callbackURL } = await signIn(browser, 'personal');
      expect(outcomeOf(callback.body).action).to.equal('success');
      const replay = await browser.get(callbackURL);
      expect(replay.status).to.equal(403);
      expect403(replay.body, 'cookie_missing');
    });

    it('a replayed callback that sends the captured cookie again to the same instance', async () => {
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'personal');
      const captured = new Map(browser.cookies);
      expect(outcomeOf((await browser.get(callbackURL)).body).action).to.equal('success');
      for (const [k, v] of captured) browser.cookies.set(k, v);
      expect403((await browser.get(callbackURL)).body, 'no_pending_login');
    });

    it('a tampered cookie', async () => {
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'work');
      const [name] = loginCookies(browser) as [string];
      const value = browser.cookies.get(name) ?? '';
      browser.cookies.set(
        name,
        `${value.slice(0, 30)}${value[30] === 'A' ? 'B' : 'A'}${value.slice(31)}`,
      );
      const reply = await browser.get(callbackURL);
      expect403(reply.body, 'no_pending_login');
      expect(reply.setCookie).to.deep.equal([
        `${name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
      expect(loginCookies(browser)).to.deep.equal([]);
    });

    it('an expired cookie (over 10 minutes between the redirect and the callback)', async () => {
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'work');
      clock.tick(10 * 60_000 + 1);
      expect403((await browser.get(callbackURL)).body, 'expired');
    });

    it('a cookie made with another secret', async () => {
      const foreign = await app({ secret: NEW_SECRET }, PUBLIC);
      const browser = new TestBrowser(PUBLIC);
      browser.via = foreign.url;
      const trace = await signIn(browser, 'personal', '/login', a.url);
      expect403(trace.callback.body, 'no_pending_login');
    });

    it('an oversized cookie', async () => {
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'work');
      const [name] = loginCookies(browser) as [string];
      browser.cookies.set(name, 'A'.repeat(5000));
      expect403((await browser.get(callbackURL)).body, 'no_pending_login');
    });

    it('a callback from another browser, which has no cookie', async () => {
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'work');
      const other = new TestBrowser(PUBLIC);
      other.via = a.url;
      expect403((await other.get(callbackURL)).body, 'cookie_missing');
    });
  });

  describe('the limits of a stateless store', () => {
    it('a captured cookie replayed at another instance reaches Microsoft, which refuses the used code (AADSTS54005)', async () => {
      const a = await app({ secret: SECRET }, PUBLIC);
      const b = await app({ secret: SECRET }, PUBLIC);
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const { callbackURL } = await callbackURLFor(browser, 'work');
      const captured = new Map(browser.cookies);
      expect(outcomeOf((await browser.get(callbackURL)).body).action).to.equal('success');
      for (const [k, v] of captured) browser.cookies.set(k, v);
      browser.via = b.url;
      const outcome = outcomeOf((await browser.get(callbackURL)).body);
      expect(outcome.action).to.equal('error');
      expect(outcome.error).to.include({ name: 'MicrosoftTokenError', code: 'invalid_grant' });
      expect(outcome.error?.errorCodes).to.deep.equal([54005]);
    });

    it('refuses to start a login whose state would not fit in a cookie (MicrosoftStateError cookie_too_large)', async () => {
      const a = await app({ secret: SECRET });
      const browser = new TestBrowser(a.url);
      const reply = await browser.get('/login?big=1');
      expect(reply.status).to.equal(500);
      expect(JSON.parse(reply.body)).to.include({
        name: 'MicrosoftStateError',
        code: 'cookie_too_large',
      });
      expect(reply.setCookie).to.deep.equal([]);
    });
  });
});
