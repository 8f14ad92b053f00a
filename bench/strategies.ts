/**
 * The Passport strategies of the contenders, configured alike: same client, same scopes, state and
 * PKCE on, pointed at the emulator.
 */
import type { Strategy as PassportStrategy } from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import type { VerifyCallback } from 'passport-oauth2';
import { Strategy as MicrosoftStrategy } from 'passport-microsoft';
import type { Strategy as StrategyClass } from '../lib/strategy.js';
import type { MicrosoftProfile } from '../lib/types.js';
import { fromBuild } from './build.js';
import { BENCH_CLIENT, SCOPE } from './shared.js';
import type { Contender } from './shared.js';

// This strategy as published (see build.ts).
const { Strategy } = fromBuild<{ Strategy: typeof StrategyClass }>('index.js');

interface SessionUser {
  id: string;
}

/** The Passport strategy of a contender, pointed at the emulator. */
export function strategyFor(
  which: Exclude<Contender, 'floor'>,
  emulatorURL: string,
): PassportStrategy {
  const authority = `${emulatorURL}/common`;
  const authorizationURL = `${authority}/oauth2/v2.0/authorize`;
  const tokenURL = `${authority}/oauth2/v2.0/token`;
  const graphMe = `${emulatorURL}/v1.0/me`;
  const verify = (_at: string, _rt: string, profile: { id: string }, done: VerifyCallback): void =>
    done(null, { id: profile.id } satisfies SessionUser);
  switch (which) {
    case 'graph':
    case 'id_token':
      return new Strategy(
        {
          clientID: BENCH_CLIENT.clientID,
          clientSecret: BENCH_CLIENT.clientSecret,
          callbackURL: '/login/callback',
          authority,
          graphBaseURL: `${emulatorURL}/v1.0`,
          scope: [...SCOPE],
          profileSource: which,
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
          if (err) return done(new Error('failed to fetch user profile', { cause: err }));
          try {
            const json = JSON.parse(String(body)) as { id?: unknown; displayName?: unknown };
            done(null, {
              provider: 'microsoft',
              id: String(json.id),
              displayName: String(json.displayName ?? ''),
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
