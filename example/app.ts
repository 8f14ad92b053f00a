/**
 * The sample app: "Sign in with Microsoft" with Passport and passport-microsoft-account, in the shape
 * of the classic "Connect your app to Microsoft Account" guide. `createApp` only builds the Express
 * app (no listening, no I/O), so tests drive it with supertest or plain HTTP.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Store } from 'express-session';
import helmet from 'helmet';
import passportModule from 'passport';
import {
  MicrosoftGraphError,
  MicrosoftIdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftHttpError,
  MicrosoftTokenError,
  MicrosoftProfileError,
  MicrosoftStateError,
} from '../lib/errors.js';
import { safeLogValue } from '../lib/log.js';
import { Strategy } from '../lib/passport/strategy.js';
import type {
  MicrosoftAuthenticateOptions,
  MicrosoftProfile,
  VerifyCallback,
} from '../lib/types.js';
import {
  BEARER,
  apiRouter,
  apiSettings,
  bearerStrategy,
  callApi,
  keepRefreshToken,
} from './api.js';
import type { AppConfig } from './config.js';
import { FAVICON_SVG, STYLE_HASH, apiPage, errorPage, homePage, profilePage } from './html.js';
import type { Detail, LayoutOptions, ProfileView } from './html.js';

/**
 * The user the app keeps in the session after sign-in: the profile. The refresh token the API page
 * needs is a separate session field, encrypted (example/api.ts); no page shows it.
 */
export interface SessionUser extends Omit<ProfileView, 'json'> {
  id: string;
  /** `login_hint` claim, handed to Microsoft's logout endpoint when present. */
  loginHint?: string;
  /** The profile as JSON text (photo shortened), for the raw-profile block. */
  profileJson: string;
}

/** Optional collaborators of {@link createApp}. */
export interface AppDeps {
  /** Session store; default: express-session's MemoryStore (one process only). */
  sessionStore?: Store;
  /** Where diagnostic lines go (never tokens); default `console.error`. */
  log?: (line: string) => void;
}

/** Session fields of this app. */
interface AppSession {
  csrfToken?: string;
}

/** The state carried through Microsoft and back with the pending login. */
interface LoginState {
  returnTo: string;
}

/** Name of the strategy in this app's Passport instance. */
const STRATEGY = 'microsoft';

/** Sessions last 8 hours. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/**
 * Accepts only same-origin relative paths (`/x?y#z`). Anything else (absolute URLs,
 * protocol-relative `//host`, `/\host`, control characters) becomes `/`.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return '/';
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value))
    return '/';
  let url: URL;
  try {
    url = new URL(value, 'http://app.invalid');
  } catch {
    return '/';
  }
  if (url.origin !== 'http://app.invalid') return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

function photoSummary(value: string): string {
  const comma = value.indexOf(',');
  return `${value.slice(0, comma + 1)}… (${value.length - comma - 1} base64 characters)`;
}

/** Builds what the session keeps from the normalized profile. */
export function sessionUserFrom(profile: MicrosoftProfile): SessionUser {
  const { _raw: _ignored, ...rest } = profile;
  const shown: Record<string, unknown> = { ...rest };
  if (profile.photos)
    shown['photos'] = profile.photos.map((p) => ({ value: photoSummary(p.value) }));
  const user: SessionUser = {
    id: profile.id,
    displayName: profile.displayName,
    profileJson: JSON.stringify(shown, null, 2),
  };
  const email = profile.emails?.[0];
  if (email) {
    user.email = email.value;
    user.emailVerified = email.verified;
  }
  const photo = profile.photos?.[0]?.value;
  if (photo !== undefined) user.photo = photo;
  if (profile.accountType !== undefined) user.accountType = profile.accountType;
  if (profile.isGuest !== undefined) user.isGuest = profile.isGuest;
  if (profile.tenantId !== undefined) user.tenantId = profile.tenantId;
  if (profile.objectId !== undefined) user.objectId = profile.objectId;
  if (profile.username !== undefined) user.username = profile.username;
  const loginHint = profile.idTokenClaims?.login_hint;
  if (typeof loginHint === 'string' && loginHint !== '') user.loginHint = loginHint;
  return user;
}

function isSessionUser(value: unknown): value is SessionUser {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    typeof v['displayName'] === 'string' &&
    typeof v['profileJson'] === 'string'
  );
}

function currentUser(req: Request): SessionUser | undefined {
  return isSessionUser(req.user) ? req.user : undefined;
}

function appSession(req: Request): AppSession | undefined {
  return req.session as (typeof req.session & AppSession) | undefined;
}

/** The session's CSRF token (synchronizer pattern), created on first use. */
function csrfToken(req: Request): string {
  const s = appSession(req);
  if (!s) throw new Error('session middleware missing');
  s.csrfToken ??= randomBytes(32).toString('base64url');
  return s.csrfToken;
}

/** Compares two strings in time independent of where they differ. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The signed-in header (name, Profile, Sign out) for every page, error pages included. */
function pageOptions(req: Request): LayoutOptions {
  const user = currentUser(req);
  return user ? { user, csrfToken: csrfToken(req) } : {};
}

function send(res: Response, status: number, body: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(body);
}

/** Diagnostics worth showing and logging for a failed sign-in; never tokens. */
interface SignInProblem {
  status: number;
  title: string;
  message: string;
  hint?: string;
  docs?: { href: string; text: string };
  details: Detail[];
  /** One line for the log. */
  summary: string;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

function diagnostics(fields: {
  error?: unknown;
  aadsts?: unknown;
  traceId?: unknown;
  correlationId?: unknown;
  timestamp?: unknown;
}): Detail[] {
  const details: Detail[] = [];
  if (typeof fields.error === 'string') details.push(['Error', fields.error, 'error-code']);
  if (typeof fields.aadsts === 'number')
    details.push(['Microsoft error code', `AADSTS${fields.aadsts}`, 'aadsts']);
  if (typeof fields.traceId === 'string') details.push(['Trace ID', fields.traceId, 'trace-id']);
  if (typeof fields.correlationId === 'string')
    details.push(['Correlation ID', fields.correlationId, 'correlation-id']);
  if (typeof fields.timestamp === 'string')
    details.push(['Timestamp', fields.timestamp, 'timestamp']);
  return details;
}

function summaryOf(kind: string, details: readonly Detail[]): string {
  return [
    kind,
    ...details.map(([label, value]) => `${label.toLowerCase().replace(/ /g, '_')}=${value}`),
  ].join(' ');
}

/** A Passport failure (`fail`): cancelled, state not verified, tenant refused, … */
function failureProblem(info: unknown, status: number | undefined): SignInProblem {
  const i = (info !== null && typeof info === 'object' ? info : {}) as Record<string, unknown>;
  const message =
    typeof i['message'] === 'string' ? firstLine(i['message']) : 'Sign-in did not complete.';
  const details = diagnostics(i);
  if (i['error'] === 'access_denied') {
    return {
      status: status ?? 401,
      title: 'Sign-in was cancelled',
      message:
        'You cancelled the sign-in, or declined the permissions this app asked for. Nothing was shared with the app.',
      hint: `Microsoft said: ${message}`,
      details,
      summary: summaryOf('sign-in cancelled', details),
    };
  }
  if (typeof i['tenantId'] === 'string') details.push(['Tenant ID', i['tenantId'], 'tenant-id']);
  const reason = typeof i['reason'] === 'string' ? i['reason'] : undefined;
  const stateHint = reason === undefined ? undefined : STATE_HINTS[reason];
  if (stateHint !== undefined && reason !== undefined) details.push(['Reason', reason, 'reason']);
  const stateProblem = stateHint !== undefined || /state/i.test(message);
  return {
    status: status ?? 401,
    title: 'Sign-in failed',
    message,
    ...(stateProblem
      ? {
          hint: `${stateHint ?? ''}The sign-in could not be matched to one started in this browser. Start again from this site; if it keeps happening, check that cookies are allowed and that every instance of the app shares one session store.`,
          docs: { href: STATE_DOCS, text: 'Why a sign-in cannot be matched, and how to fix it' },
        }
      : {}),
    details,
    summary: summaryOf(`sign-in failed (${status ?? 401}): ${message}`, details),
  };
}

/** docs/errors.md's section on state failures. */
export const STATE_DOCS =
  'https://github.com/passport-microsoft-account/passport-microsoft-account/blob/main/docs/errors.md#unable-to-verify-authorization-request-state-403-after-microsoft-redirects-back';

/** What each state failure `reason` means for the user, as the start of the hint. */
const STATE_HINTS: Readonly<Record<string, string>> = {
  cookie_missing:
    "Your browser did not send this site's cookie back with Microsoft's answer (blocked cookies, or the site opened under another address than its callback URL). ",
  expired: 'The sign-in took too long (over 10 minutes). ',
  no_pending_login:
    'This sign-in was already used, or was started in another browser or tab that has since signed in. ',
  state_missing: "Microsoft's answer did not say which sign-in it belongs to. ",
};

/** An error (`error`): Microsoft refused, a token, ID-token or Graph problem, or a network failure. */
function errorProblem(err: unknown): SignInProblem {
  if (err instanceof MicrosoftAuthorizationError) {
    const details = diagnostics({
      error: err.error,
      aadsts: err.aadsts,
      traceId: err.traceId,
      correlationId: err.correlationId,
      timestamp: err.timestamp,
    });
    return {
      status: 502,
      title: 'Microsoft could not sign you in',
      message: firstLine(err.errorDescription ?? err.message),
      details,
      summary: summaryOf('authorize error', details),
    };
  }
  if (err instanceof MicrosoftTokenError) {
    const details = diagnostics({
      error: err.error,
      aadsts: err.errorCodes[0],
      traceId: err.traceId,
      correlationId: err.correlationId,
    });
    return {
      status: 502,
      title: 'Sign-in failed',
      message: firstLine(err.errorDescription ?? err.message),
      hint: "Microsoft refused to complete the sign-in. If this keeps happening, the app registration (client id, secret or redirect URI) may not match this app's settings.",
      details,
      summary: summaryOf('token error', details),
    };
  }
  if (err instanceof MicrosoftGraphError) {
    const details: Detail[] = [['Graph error', err.code, 'error-code']];
    if (err.requestId !== undefined) details.push(['Request ID', err.requestId, 'request-id']);
    return {
      status: 502,
      title: 'Sign-in failed',
      message: 'Microsoft Graph did not return your profile.',
      details,
      summary: summaryOf(`graph error ${err.status}`, details),
    };
  }
  if (err instanceof MicrosoftHttpError) {
    const details: Detail[] = [['Problem', `${err.code} (${err.endpoint})`, 'error-code']];
    return {
      status: 502,
      title: 'Sign-in failed',
      message: 'Microsoft could not be reached or answered something unexpected. Please try again.',
      details,
      summary: summaryOf('microsoft http error', details),
    };
  }
  if (
    err instanceof MicrosoftIdTokenError ||
    err instanceof MicrosoftProfileError ||
    err instanceof MicrosoftStateError
  ) {
    const details: Detail[] = [['Problem', err.code, 'error-code']];
    return {
      status: 502,
      title: 'Sign-in failed',
      message: 'The answer from Microsoft could not be verified, so you were not signed in.',
      details,
      summary: summaryOf(`${err.name}: ${err.message}`, details),
    };
  }
  return {
    status: 500,
    title: 'Sign-in failed',
    message: 'Something went wrong on our side. Please try again.',
    details: [],
    summary: `unexpected sign-in error: ${err instanceof Error ? err.name : typeof err}`,
  };
}

/**
 * Builds the Express app and its strategy. Each call has its own Passport instance, so several apps
 * can live in one process (tests).
 */
export function createApp(
  config: AppConfig,
  deps: AppDeps = {},
): { app: express.Express; strategy: Strategy } {
  const write = deps.log ?? ((line: string) => console.error(line));
  // Log lines quote what browsers and Microsoft sent (error descriptions): escape control characters
  // so such text cannot forge or hide log lines.
  const log = (line: string): void => write(safeLogValue(line, 2000));
  const secure = config.baseURL.startsWith('https:');
  const home = `${config.baseURL}/`;
  const ms = config.microsoft;

  const strategy = new Strategy(
    {
      clientID: ms.clientID,
      clientSecret: ms.clientSecret,
      callbackURL: `${config.baseURL}/login/callback`,
      // An authority (the emulator's) names the tenant itself; otherwise tenant + cloud pick it.
      ...(ms.authority !== undefined
        ? { authority: ms.authority }
        : { tenant: ms.tenant, cloud: ms.cloud }),
      ...(ms.graphBaseURL !== undefined ? { graphBaseURL: ms.graphBaseURL } : {}),
      photo: '96x96',
    },
    // The refresh token goes on to the callback route, which keeps it in the (server-side) session
    // for the API page; the Graph access token is not kept.
    (
      _accessToken: string,
      refreshToken: string | undefined,
      profile: MicrosoftProfile,
      done: VerifyCallback,
    ) => done(null, sessionUserFrom(profile), { refreshToken }),
  );

  const passport = new passportModule.Passport();
  passport.use(STRATEGY, strategy);
  passport.use(BEARER, bearerStrategy(config));
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((stored: unknown, done) =>
    done(null, isSessionUser(stored) ? stored : false),
  );

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'style-src': [STYLE_HASH],
          'script-src': ["'none'"],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          'frame-ancestors': ["'none'"],
          // The sign-out form's response redirects to Microsoft's logout endpoint; browsers apply
          // form-action to that redirect too.
          'form-action': ["'self'", new URL(strategy.endpoints.logoutURL).origin],
          ...(secure ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      strictTransportSecurity: secure,
    }),
  );
  // Browsers ask for an icon on every page: answered before the session, so no cookie comes with it.
  const favicon: RequestHandler = (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
  };
  app.get('/favicon.svg', favicon);
  app.get('/favicon.ico', favicon);
  // The API, before the session: it authenticates each request by its bearer token alone.
  app.use(apiRouter(passport));
  app.use(
    session({
      name: secure ? '__Host-sid' : 'sid',
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      ...(deps.sessionStore ? { store: deps.sessionStore } : {}),
      cookie: {
        httpOnly: true,
        secure,
        // form_post: Microsoft POSTs from its own site, and only SameSite=None cookies come along.
        sameSite: config.responseMode === 'form_post' ? 'none' : 'lax',
        path: '/',
        maxAge: SESSION_MAX_AGE_MS,
      },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());

  app.get('/', (req, res) => {
    const signedOut = req.query['state'] === 'signed-out';
    send(res, 200, homePage({ ...pageOptions(req), emulatorURL: config.emulatorURL, signedOut }));
  });

  app.get('/login', (req, res, next) => {
    // Without returnTo, sign-in ends on the "It Works!" page; an unsafe returnTo ends on the home page.
    const requested = req.query['returnTo'];
    const state: LoginState = {
      returnTo: requested === undefined ? '/profile' : safeReturnTo(requested),
    };
    const options: MicrosoftAuthenticateOptions = { state };
    if (config.responseMode === 'form_post') options.responseMode = 'form_post';
    const mode = req.query['mode'];
    if (mode === 'personal') options.domainHint = 'consumers';
    else if (mode === 'select') options.prompt = 'select_account';
    // @types/passport declares `state` as a string; this strategy carries any JSON value in it.
    (
      passport.authenticate(
        STRATEGY,
        options as passportModule.AuthenticateOptions,
      ) as RequestHandler
    )(req, res, next);
  });

  const finishLogin: RequestHandler = (req, res, next) => {
    const callback = (err: unknown, user?: unknown, info?: unknown, status?: unknown): void => {
      if (err) {
        const problem = errorProblem(err);
        log(problem.summary);
        send(res, problem.status, errorPage(problem, pageOptions(req)));
        return;
      }
      if (!isSessionUser(user)) {
        const problem = failureProblem(info, typeof status === 'number' ? status : undefined);
        log(problem.summary);
        send(res, problem.status, errorPage(problem, pageOptions(req)));
        return;
      }
      const carried = info as { state?: Partial<LoginState>; refreshToken?: unknown } | undefined;
      // passport 0.7 regenerates the session here: a session id seen before sign-in is worthless after.
      req.logIn(user, (loginErr?: unknown) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
        keepRefreshToken(req, config, user.id, carried?.refreshToken);
        log(
          `signed in: ${user.accountType ?? 'unknown'} account, tenant ${user.tenantId ?? '?'}, object id ${user.objectId ?? user.id}`,
        );
        res.redirect(303, safeReturnTo(carried?.state?.returnTo));
      });
    };
    (passport.authenticate(STRATEGY, callback) as RequestHandler)(req, res, next);
  };
  app.get('/login/callback', finishLogin);
  app.post('/login/callback', express.urlencoded({ extended: false, limit: '64kb' }), finishLogin);

  app.get('/profile', (req, res) => {
    const user = currentUser(req);
    if (!user) {
      res.redirect(303, `/login?returnTo=${encodeURIComponent('/profile')}`);
      return;
    }
    const view = { ...user, json: user.profileJson };
    send(res, 200, profilePage(view, pageOptions(req)));
  });

  // The API page: calls GET or POST /api/tasks with the user's token for the API and shows the answer.
  app.get('/tasks', (req, res, next) => {
    const user = currentUser(req);
    if (!user) {
      res.redirect(303, `/login?returnTo=${encodeURIComponent('/tasks')}`);
      return;
    }
    const which = req.query['call'];
    const api = apiSettings(config);
    if (which !== 'read' && which !== 'write') {
      send(res, 200, apiPage({ api }, pageOptions(req)));
      return;
    }
    callApi(req, strategy, config, user.id, which).then((call) => {
      if (call.tokenProblem)
        log(`no API token: ${call.tokenProblem.error ?? ''} ${call.tokenProblem.aadsts ?? ''}`);
      send(res, 200, apiPage({ api, call }, pageOptions(req)));
    }, next);
  });

  app.post('/logout', express.urlencoded({ extended: false, limit: '8kb' }), (req, res, next) => {
    const sent: unknown = (req.body as Record<string, unknown> | undefined)?.['_csrf'];
    const expected = appSession(req)?.csrfToken;
    if (typeof sent !== 'string' || expected === undefined || !sameSecret(sent, expected)) {
      send(
        res,
        403,
        errorPage(
          {
            title: 'Sign-out was refused',
            message: 'The sign-out form was not sent by this site, or it has expired.',
            hint: 'Go back to the home page and use the Sign out button there.',
            retry: false,
          },
          pageOptions(req),
        ),
      );
      return;
    }
    const user = currentUser(req);
    // Microsoft hands `state` back to the home page, which then says the user signed out.
    const logoutOptions: { postLogoutRedirectUri: string; logoutHint?: string; state: string } = {
      postLogoutRedirectUri: home,
      state: 'signed-out',
    };
    if (user?.loginHint !== undefined) logoutOptions.logoutHint = user.loginHint;
    req.session.destroy((err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      res.clearCookie(secure ? '__Host-sid' : 'sid', {
        path: '/',
        httpOnly: true,
        secure,
        sameSite: config.responseMode === 'form_post' ? 'none' : 'lax',
      });
      res.redirect(303, strategy.logoutUrl(logoutOptions));
    });
  });
  app.all('/logout', (req, res) => {
    res.set('Allow', 'POST');
    send(
      res,
      405,
      errorPage(
        {
          title: 'Use the Sign out button',
          message: 'Signing out needs the form on this site (POST /logout).',
          retry: false,
        },
        pageOptions(req),
      ),
    );
  });

  app.use((req, res) => {
    send(
      res,
      404,
      errorPage(
        { title: 'Page not found', message: 'There is nothing at this address.', retry: false },
        pageOptions(req),
      ),
    );
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    log(
      `unexpected error on ${req.method} ${req.path}: ${err instanceof Error ? `${err.name}: ${err.message}` : typeof err}`,
    );
    if (res.headersSent) return;
    let options: LayoutOptions = {};
    try {
      options = pageOptions(req);
    } catch {
      // The session itself failed: the page goes without the signed-in header.
    }
    send(
      res,
      500,
      errorPage(
        {
          title: 'Something went wrong',
          message: 'The app could not handle this request. Please try again.',
          retry: false,
        },
        options,
      ),
    );
  });

  return { app, strategy };
}
