import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Passport } from 'passport';
import request from 'supertest';
import { Strategy } from '../../lib/passport/strategy.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  TOKEN_ROUTE,
  WORK_ME,
  fakeOptions,
  startFakeMicrosoft,
} from '../helpers/microsoft.js';
import { queryOf } from '../helpers/passport.js';

/** An Express app with express-session and one Passport instance around the strategy. */
async function startApp(strategy: Strategy): Promise<{ url: string; close(): Promise<void> }> {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  app.use(session({ secret: 'unit-test-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  const finish: express.RequestHandler[] = [
    passport.authenticate('microsoft', { session: false, failWithError: true }),
    (req, res) => {
      res.json({ user: req.user ?? null, info: req.authInfo ?? null });
    },
  ];
  app.get(
    '/auth/microsoft',
    passport.authenticate('microsoft', {
      prompt: 'select_account',
      failureRedirect: '/login',
      session: false,
    }),
  );
  app.get('/auth/microsoft/callback', ...finish);
  app.post('/auth/microsoft/callback', express.urlencoded({ extended: false }), ...finish);
  app.use(
    (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const e = err as { name?: string; code?: string; status?: number };
      res.status(e.status ?? 500).json({ name: e.name, code: e.code });
    },
  );
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('unit: through passport.authenticate in Express', () => {
  let microsoft: FakeServer;
  let app: { url: string; close(): Promise<void> } | undefined;

  beforeEach(async () => {
    microsoft = await startFakeMicrosoft();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await microsoft.close();
  });

  function strategy(extra: Partial<StrategyOptions> = {}): Strategy {
    return new Strategy(
      fakeOptions(microsoft, { callbackURL: '/auth/microsoft/callback', ...extra }),
      (accessToken, _refreshToken, profile, done) => {
        done(null, {
          id: profile.id,
          name: profile.displayName,
          tokenMatches: accessToken === ACCESS_TOKEN,
        });
      },
    );
  }

  it('redirects to Microsoft with a 302 and only Microsoft parameters', async () => {
    app = await startApp(strategy());
    const res = await request(app.url).get('/auth/microsoft').expect(302);
    const location = String(res.headers['location']);
    expect(location.startsWith(`${microsoft.url}/common/oauth2/v2.0/authorize?`)).to.equal(true);
    expect(Object.keys(queryOf(location)).sort()).to.deep.equal(
      [
        'client_id',
        'prompt',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
        'code_challenge',
        'code_challenge_method',
      ].sort(),
    );
    expect(queryOf(location)['redirect_uri']).to.equal(`${app.url}/auth/microsoft/callback`);
  });

  it('signs in across the redirect and the callback with the session cookie', async () => {
    app = await startApp(strategy());
    const agent = request.agent(app.url);
    const start = await agent.get('/auth/microsoft').expect(302);
    const state = queryOf(String(start.headers['location']))['state'] ?? '';
    const res = await agent
      .get(`/auth/microsoft/callback?code=abc&state=${encodeURIComponent(state)}`)
      .expect(200);
    expect(res.body).to.deep.equal({
      user: { id: WORK_ME.id, name: 'Adele Vance', tokenMatches: true },
      info: {},
    });
  });

  it('signs in with a form_post callback parsed by express.urlencoded', async () => {
    app = await startApp(strategy());
    const agent = request.agent(app.url);
    const start = await agent.get('/auth/microsoft').expect(302);
    const state = queryOf(String(start.headers['location']))['state'] ?? '';
    const res = await agent
      .post('/auth/microsoft/callback')
      .type('form')
      .send({ code: 'abc', state })
      .expect(200);
    expect(res.body.user).to.deep.equal({
      id: WORK_ME.id,
      name: 'Adele Vance',
      tokenMatches: true,
    });
  });

  it('answers 403 when the state cookie did not come back', async () => {
    app = await startApp(strategy());
    const start = await request(app.url).get('/auth/microsoft').expect(302);
    const state = queryOf(String(start.headers['location']))['state'] ?? '';
    await request(app.url)
      .get(`/auth/microsoft/callback?code=abc&state=${encodeURIComponent(state)}`)
      .expect(403);
    expect(microsoft.requests).to.have.length(0);
  });

  it('runs each request on its own object, so concurrent logins do not interfere', async () => {
    app = await startApp(strategy());
    const agents = [request.agent(app.url), request.agent(app.url), request.agent(app.url)];
    const states = await Promise.all(
      agents.map(
        async (a) =>
          queryOf(String((await a.get('/auth/microsoft').expect(302)).headers['location']))[
            'state'
          ] ?? '',
      ),
    );
    const results = await Promise.all(
      agents.map((a, i) =>
        a
          .get(`/auth/microsoft/callback?code=c${i}&state=${encodeURIComponent(states[i] ?? '')}`)
          .expect(200),
      ),
    );
    expect(results.map((r) => (r.body as { user: { id: string } }).user.id)).to.deep.equal([
      WORK_ME.id,
      WORK_ME.id,
      WORK_ME.id,
    ]);
    expect(
      microsoft
        .requestsTo(TOKEN_ROUTE)
        .map((r) => r.form.get('code'))
        .sort(),
    ).to.deep.equal(['c0', 'c1', 'c2']);
  });
});
