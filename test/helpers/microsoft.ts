/**
 * Shared values and steps for strategy tests: client credentials, canned Microsoft payloads, a
 * strategy wired to a fake server, and the two legs of a login through the Passport harness.
 */
import type { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile, VerifyCallback } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { startFakeServer } from './fake-server.js';
import type { FakeServer, Route } from './fake-server.js';
import { authenticate, expectRedirect, fakeRequest, queryOf, storedLogin } from './passport.js';
import type { Outcome } from './passport.js';

export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const CLIENT_SECRET = 'cl1ent~Secret.Value_that-must-never-leak';
export const ACCESS_TOKEN = 'EwAIA+pvBAAUKods63Ys1fGlwiccIFJ+9u-access-token-never-leak';
export const REFRESH_TOKEN = 'M.C507_BAY.0.U.-refresh-token-never-leak';
export const CALLBACK_URL = 'http://app.example.com/auth/microsoft/callback';
export const CALLBACK_PATH = '/auth/microsoft/callback';

/** Paths the fake server plays for `authority: ${server.url}/common` and `graphBaseURL: ${server.url}/v1.0`. */
export const TOKEN_ROUTE = 'POST /common/oauth2/v2.0/token';
export const ME_ROUTE = 'GET /v1.0/me';
export const PHOTO_ROUTE = 'GET /v1.0/me/photo/$value';

/** A successful token response without an ID token (scope `User.Read` only). */
export function tokenResponse(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    scope: 'User.Read profile openid email',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: ACCESS_TOKEN,
    refresh_token: REFRESH_TOKEN,
    ...extra,
  };
}

/** Graph `/me` of a work account (fact sheet §5.2). */
export const WORK_ME = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
  businessPhones: ['+1 425 555 0109'],
  displayName: 'Adele Vance',
  givenName: 'Adele',
  jobTitle: 'Retail Manager',
  mail: 'AdeleV@contoso.com',
  mobilePhone: '+1 425 555 0109',
  officeLocation: '18/2111',
  preferredLanguage: 'en-US',
  surname: 'Vance',
  userPrincipalName: 'AdeleV@contoso.com',
  id: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
};

/**
 * A fake server answering what a login asks Microsoft for: the token request (no ID token) and Graph
 * `/me` of the work account. `routes` add or replace routes.
 */
export function startFakeMicrosoft(routes: Record<string, Route> = {}): Promise<FakeServer> {
  return startFakeServer({
    [TOKEN_ROUTE]: { json: tokenResponse() },
    [ME_ROUTE]: { json: WORK_ME },
    ...routes,
  });
}

/** A verify callback that records its arguments and signs in `{ id: profile.id }`. */
export interface RecordingVerify {
  calls: unknown[][];
  verify: (
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ) => void;
}

/** A 4-argument verify that records its calls and signs the profile's id in. */
export function recordingVerify(): RecordingVerify {
  const calls: unknown[][] = [];
  return {
    calls,
    verify: (accessToken, refreshToken, profile, done) => {
      calls.push([accessToken, refreshToken, profile]);
      done(null, { id: profile.id });
    },
  };
}

/** Options for a strategy whose authority and Graph are the fake server. */
export function fakeOptions(
  server: FakeServer,
  extra: Partial<StrategyOptions> = {},
): StrategyOptions {
  return {
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: CALLBACK_URL,
    authority: `${server.url}/common`,
    graphBaseURL: `${server.url}/v1.0`,
    scope: ['User.Read'],
    ...extra,
  };
}

/** A login in progress: the session and the state handle Microsoft would echo back. */
export interface StartedLogin {
  session: Record<string, unknown>;
  state: string;
  authorizeURL: string;
}

/** First leg: asks the strategy for the authorize redirect and keeps the session. */
export async function startLogin(
  strategy: Strategy,
  options: Parameters<Strategy['authenticate']>[1] = {},
): Promise<StartedLogin> {
  const session: Record<string, unknown> = {};
  const outcome = expectRedirect(
    await authenticate(strategy, fakeRequest({ url: '/auth/microsoft', session }), options),
  );
  const state = queryOf(outcome.url)['state'];
  if (state === undefined) throw new Error('the authorize redirect carries no state');
  return { session, state, authorizeURL: outcome.url };
}

/** Second leg: the browser comes back to the callback with `code` and `state` in the query. */
export function finishLogin(
  strategy: Strategy,
  login: StartedLogin,
  code = 'M.C507_BL2.2.U.auth-code',
  options: Parameters<Strategy['authenticate']>[1] = {},
): Promise<Outcome> {
  const query = new URLSearchParams({ code, state: login.state });
  const url = `${CALLBACK_PATH}?${query.toString()}`;
  // The browser's session cookie, whose session the harness hands over as `login.session`.
  const headers = { cookie: 'connect.sid=s%3Asession' };
  return authenticate(strategy, fakeRequest({ url, session: login.session, headers }), options);
}

/** Both legs against a fake server answering the token request and `/me`. */
export async function login(
  strategy: Strategy,
  options: Parameters<Strategy['authenticate']>[1] = {},
): Promise<Outcome> {
  const started = await startLogin(strategy, options);
  return finishLogin(strategy, started, undefined, options);
}

/** Default session key of a strategy: `microsoft:<authorize host>:<clientID>`. */
export function sessionKeyOf(strategy: Strategy, clientID = CLIENT_ID): string {
  return `microsoft:${new URL(strategy.endpoints.authorizationURL).host}:${clientID}`;
}

/** The PKCE verifier the default store keeps for a state handle. */
export function storedVerifier(
  session: Record<string, unknown>,
  key: string,
  handle: string,
): string {
  const v = storedLogin(session, key, handle)?.v;
  if (typeof v !== 'string') throw new Error(`no PKCE verifier stored for state ${handle}`);
  return v;
}

/** The S256 code_challenge of a PKCE verifier: the library's one helper, pinned by test/unit/pkce.test.ts. */
export { codeChallengeS256 as s256 } from '../../lib/core/pkce.js';

/**
 * Every string an error exposes: message, own enumerable properties (JSON), `String(cause)` and the
 * stack. Used to prove no token or secret leaks.
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(err)) own[key] = (err as unknown as Record<string, unknown>)[key];
  return [err.message, JSON.stringify(own), String(err.cause), err.stack ?? ''].join('\n');
}
