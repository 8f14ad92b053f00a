/**
 * The app shape of the end-to-end tests: Express + express-session + passport + this strategy,
 * with a custom callback that reports exactly which Passport action ended the login.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy } from '../../lib/passport/strategy.js';
import type { AuthenticateOptions } from 'passport';
import type { MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';

export interface TestApp {
  url: string;
  strategy: Strategy;
  close(): Promise<void>;
  /** Connections currently open on the app's server. */
  openConnections(): Promise<number>;
}

/** What the callback route answers: the outcome of the Passport action, as JSON. */
export interface CallbackOutcome {
  action: 'success' | 'fail' | 'error';
  status?: number;
  info?: Record<string, unknown>;
  error?: {
    name: string;
    code?: unknown;
    message: string;
    errorCodes?: unknown;
    retryAfter?: unknown;
    aadsts?: unknown;
    status?: unknown;
  };
  elapsedMs?: number;
}

/**
 * Starts the app on 127.0.0.1. `options` complete the strategy options (`callbackURL` is set to
 * this app's `/login/callback` unless given).
 */
export async function startApp(
  options: Omit<StrategyOptions, 'callbackURL'> & { callbackURL?: string },
  authenticate: AuthenticateOptions = {},
): Promise<TestApp> {
  const app = express();
  const passport = new Passport();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const strategy = new Strategy(
    { callbackURL: `${url}/login/callback`, ...options },
    (_accessToken, _refreshToken, profile, done) => done(null, { profile }),
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  app.use(
    session({ secret: 'e2e-test-secret-e2e-test-secret', resave: false, saveUninitialized: false }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/login', (req, res, next) => {
    const mode = req.query['mode'];
    passport.authenticate(strategy.name, {
      ...authenticate,
      ...(mode === 'form_post' ? { responseMode: 'form_post' } : {}),
    })(req, res, next);
  });
  const callback: express.RequestHandler = (req, res, next) => {
    const started = Date.now();
    passport.authenticate(
      strategy.name,
      (err: unknown, user: Express.User | false, info: unknown, status: unknown) => {
        const elapsedMs = Date.now() - started;
        if (err) {
          const e = err as Record<string, unknown> & Error;
          const outcome: CallbackOutcome = {
            action: 'error',
            elapsedMs,
            error: {
              name: e.name,
              code: e['code'],
              message: e.message,
              errorCodes: e['errorCodes'],
              retryAfter: e['retryAfter'],
              aadsts: e['aadsts'],
              status: e['status'],
            },
          };
          res.status(500).json(outcome);
          return;
        }
        if (!user) {
          const outcome: CallbackOutcome = {
            action: 'fail',
            elapsedMs,
            info: (info ?? {}) as Record<string, unknown>,
            ...(typeof status === 'number' ? { status } : {}),
          };
          res.status(401).json(outcome);
          return;
        }
        req.logIn(user, (loginErr) => {
          if (loginErr) return next(loginErr);
          const outcome: CallbackOutcome = { action: 'success', elapsedMs };
          res.json(outcome);
        });
      },
    )(req, res, next);
  };
  app.get('/login/callback', callback);
  app.post('/login/callback', express.urlencoded({ extended: false }), callback);
  app.get('/me', (req, res) => {
    const user = req.user as { profile?: MicrosoftProfile } | undefined;
    res.json(user?.profile ?? null);
  });

  return {
    url,
    strategy,
    openConnections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
