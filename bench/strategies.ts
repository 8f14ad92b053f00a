/**
 * The Passport strategies of the contenders, configured alike: same client, same scopes, state and
 * PKCE on, pointed at the emulator.
 */
import type { Strategy as PassportStrategy } from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import type { VerifyCallback } from 'passport-oauth2';
import { Strategy as MicrosoftStrategy } from 'passport-microsoft';
import * as oidc from 'openid-client';
import { Strategy as OpenIdStrategy } from 'openid-client/passport';
import type { CookieStateStore as CookieStateStoreClass } from '../lib/state/cookie-state-store.js';
import type { Strategy as StrategyClass } from '../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../lib/types.js';
import { fromBuild } from './build.js';
import { BENCH_CLIENT, SCOPE } from './shared.js';
import type { Contender } from './shared.js';

// This strategy as published (see build.ts).
const { Strategy, CookieStateStore } = fromBuild<{
  Strategy: typeof StrategyClass;
  CookieStateStore: typeof CookieStateStoreClass;
}>('index.js');

/** The cookie store contender's secret (at least 32 characters). */
const COOKIE_STORE_SECRET = 'bench-cookie-state-store-secret-0123456789';

interface SessionUser {
  id: string;
}

/** Where openid-client's discovery starts: Microsoft's multi-tenant authority (see below). */
const ENTRA_ORIGIN = 'https://login.microsoftonline.com';

/**
 * openid-client's Passport strategy as an app would configure it for Microsoft's multi-tenant
 * `common` authority. openid-client accepts the `{tenantid}` issuer template (the ID token's
 * issuer is checked against it with the token's `tid`) only for an authority on
 * login.microsoftonline.com, so discovery starts there and a fetch wrapper sends that origin to the
 * emulator; the discovery document then points every endpoint (token, JWKS) at the emulator.
 */
async function openIdClientStrategy(
  emulatorURL: string,
  appURL: string,
): Promise<PassportStrategy> {
  const toEmulator: oidc.CustomFetch = (url, options) =>
    fetch(url.startsWith(ENTRA_ORIGIN) ? emulatorURL + url.slice(ENTRA_ORIGIN.length) : url, {
      ...options,
      body: options.body ?? null,
    });
  const config = await oidc.discovery(
    new URL(`${ENTRA_ORIGIN}/common/v2.0`),
    BENCH_CLIENT.clientID,
    BENCH_CLIENT.clientSecret,
    undefined,
    { [oidc.customFetch]: toEmulator, execute: [oidc.allowInsecureRequests] },
  );
  return new OpenIdStrategy(
    { config, scope: SCOPE.join(' '), callbackURL: `${appURL}/login/callback` },
    (tokens, verified) => {
      const oid = tokens.claims()?.['oid'];
      if (typeof oid !== 'string') return verified(new Error('the ID token has no oid'));
      verified(null, { id: oid } satisfies SessionUser);
    },
  ) as unknown as PassportStrategy;
}

/** The Passport strategy of a contender, pointed at the emulator; `appURL` is where its app listens. */
export async function strategyFor(
  which: Exclude<Contender, 'floor'>,
  emulatorURL: string,
  appURL: string,
): Promise<PassportStrategy> {
  const authority = `${emulatorURL}/common`;
  const authorizationURL = `${authority}/oauth2/v2.0/authorize`;
  const tokenURL = `${authority}/oauth2/v2.0/token`;
  const graphMe = `${emulatorURL}/v1.0/me`;
  const verify = (_at: string, _rt: string, profile: { id: string }, done: VerifyCallback): void =>
    done(null, { id: profile.id } satisfies SessionUser);
  switch (which) {
    case 'graph':
    case 'cookie-store':
    case 'id_token':
      return new Strategy(
        {
          clientID: BENCH_CLIENT.clientID,
          clientSecret: BENCH_CLIENT.clientSecret,
          callbackURL: '/login/callback',
          authority,
          graphBaseURL: `${emulatorURL}/v1.0`,
          scope: [...SCOPE],
          profileSource: which === 'id_token' ? 'id_token' : 'graph',
          // The pending login (state, PKCE verifier, nonce) in a sealed cookie instead of the
          // session; express-session still keeps the signed-in user.
          ...(which === 'cookie-store'
            ? { store: new CookieStateStore({ secret: COOKIE_STORE_SECRET }) }
            : {}),
        },
        (_at: string, _rt: string | undefined, profile: MicrosoftProfile, done) =>
          done(null, { id: profile.id } satisfies SessionUser),
      );
    case 'passport-microsoft':
      return new MicrosoftStrategy(
        {
          clientID: BENCH_CLIENT.clientID,
          clientSecret: BENCH_CLIENT.clientSecret,
          callbackURL: '/login/callback',
          tenant: 'common',
          authorizationURL,
          tokenURL,
          apiEntryPoint: emulatorURL,
          graphApiVersion: 'v1.0',
          scope: [...SCOPE],
          state: true,
          pkce: true,
        },
        verify,
      );
    case 'openid-client':
      return openIdClientStrategy(emulatorURL, appURL);
    case 'passport-oauth2': {
      const strategy = new OAuth2Strategy(
        {
          clientID: BENCH_CLIENT.clientID,
          clientSecret: BENCH_CLIENT.clientSecret,
          callbackURL: '/login/callback',
          authorizationURL,
          tokenURL,
          scope: [...SCOPE],
          scopeSeparator: ' ',
          state: true,
          pkce: true,
        },
        verify,
      );
      strategy.userProfile = function userProfile(
        accessToken: string,
        done: (err?: unknown, profile?: unknown) => void,
      ): void {
        this._oauth2.useAuthorizationHeaderforGET(true);
        this._oauth2.get(graphMe, accessToken, (err, body) => {
          // node-oauth passes null on success although its types leave null out.
          if ((err as unknown) !== null)
            return done(new Error('failed to fetch user profile', { cause: err }));
          try {
            const json = JSON.parse(String(body)) as { id?: unknown; displayName?: unknown };
            done(null, {
              provider: 'microsoft',
              id: String(json.id),
              displayName: typeof json.displayName === 'string' ? json.displayName : '',
            });
          } catch (e) {
            done(e);
          }
        });
      };
      return strategy;
    }
  }
}
