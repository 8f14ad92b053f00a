import { expect } from 'chai';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftAuthenticateOptions, MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  ME_ROUTE,
  TOKEN_ROUTE,
  fakeOptions,
  finishLogin,
  recordingVerify,
  startFakeMicrosoft,
  startLogin,
} from '../helpers/microsoft.js';
import { expectErrorOf, expectSuccess, queryOf } from '../helpers/passport.js';

const CODE_FOR_HOOKS = 'M.C507_BL2.2.U.hooks-code';

/** A strategy class as an app would subclass it to customize one hook. */
function strategyOf<T extends Strategy>(
  Subclass: new (o: StrategyOptions, v: ReturnType<typeof recordingVerify>['verify']) => T,
  server: FakeServer,
  extra: Partial<StrategyOptions> = {},
) {
  const recorder = recordingVerify();
  return { strategy: new Subclass(fakeOptions(server, extra), recorder.verify), recorder };
}

describe('unit: passport-oauth2 hooks a subclass overrides', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeMicrosoft();
  });
  afterEach(async () => {
    await server.close();
  });

  it('userProfile: the profile a subclass loads reaches the verify callback, and the built-in Graph call is not made', async () => {
    const loaded: string[] = [];
    class OwnProfile extends Strategy {
      override userProfile(
        accessToken: string,
        done: (err: unknown, profile?: MicrosoftProfile) => void,
      ): void {
        loaded.push(accessToken);
        done(null, {
          provider: 'microsoft',
          id: 'from-the-subclass',
          displayName: 'Own',
          _raw: '{}',
          _json: {},
        });
      }
    }
    const { strategy, recorder } = strategyOf(OwnProfile, server);
    expectSuccess(await finishLogin(strategy, await startLogin(strategy), CODE_FOR_HOOKS));
    expect(loaded).to.deep.equal([ACCESS_TOKEN]);
    expect((recorder.calls[0]?.[2] as MicrosoftProfile).id).to.equal('from-the-subclass');
    expect(server.requestsTo(ME_ROUTE)).to.have.length(0);
  });

  it('userProfile: an override can call Graph through passport-oauth2’s _oauth2.get, which sends the token as a Bearer header', async () => {
    class ThroughOAuth2 extends Strategy {
      override userProfile(
        accessToken: string,
        done: (err: unknown, profile?: MicrosoftProfile) => void,
      ): void {
        const client = (
          this as unknown as {
            _oauth2: {
              get: (u: string, t: string, cb: (e: unknown, body?: string) => void) => void;
            };
          }
        )._oauth2;
        client.get(`${server.url}/v1.0/me`, accessToken, (err, body) => {
          if (err) return done(err);
          const json = JSON.parse(body ?? '{}') as { id: string; displayName: string };
          done(null, {
            provider: 'microsoft',
            id: json.id,
            displayName: json.displayName,
            _raw: body ?? '',
            _json: json,
          });
        });
      }
    }
    const { strategy, recorder } = strategyOf(ThroughOAuth2, server);
    expectSuccess(await finishLogin(strategy, await startLogin(strategy), CODE_FOR_HOOKS));
    const [me] = server.requestsTo(ME_ROUTE);
    expect(me?.headers['authorization']).to.equal(`Bearer ${ACCESS_TOKEN}`);
    expect((recorder.calls[0]?.[2] as MicrosoftProfile).displayName).to.equal('Adele Vance');
  });

  it('parseErrorResponse: the error a subclass makes of a token-endpoint error body is the one Passport gets', async () => {
    class OwnErrors extends Strategy {
      override parseErrorResponse(body: string, status: number): Error | null {
        return new RangeError(`custom ${status}: ${(JSON.parse(body) as { error: string }).error}`);
      }
    }
    await server.close();
    server = await startFakeMicrosoft({
      [TOKEN_ROUTE]: {
        status: 400,
        json: { error: 'invalid_grant', error_description: 'AADSTS70008: expired' },
      },
    });
    const { strategy } = strategyOf(OwnErrors, server);
    const err = expectErrorOf(
      await finishLogin(strategy, await startLogin(strategy), CODE_FOR_HOOKS),
      RangeError,
    );
    expect(err.message).to.equal('custom 400: invalid_grant');
  });

  it('authorizationParams and tokenParams: what a subclass returns is added to the authorize URL and the token request', async () => {
    class Extra extends Strategy {
      override authorizationParams(options: MicrosoftAuthenticateOptions): Record<string, string> {
        return { ...super.authorizationParams(options), claims_hint: 'x1' };
      }
      override tokenParams(): Record<string, string> {
        return { resource_hint: 'r1' };
      }
    }
    const { strategy } = strategyOf(Extra, server);
    const started = await startLogin(strategy, { prompt: 'consent' });
    expect(queryOf(started.authorizeURL)).to.include({ claims_hint: 'x1', prompt: 'consent' });
    expectSuccess(await finishLogin(strategy, started, CODE_FOR_HOOKS));
    const [token] = server.requestsTo(TOKEN_ROUTE);
    expect(token?.form.get('resource_hint')).to.equal('r1');
    expect(token?.form.get('code')).to.equal(CODE_FOR_HOOKS);
  });

  it('hands the base class only what it reads: no scope, store, session key or proxy setting of its own', () => {
    const { strategy } = strategyOf(Strategy, server, {
      scope: 'openid User.Read',
      proxy: true,
      sessionKey: 'k',
      skipUserProfile: true,
    });
    const base = strategy as unknown as Record<string, unknown>;
    expect(base['_scope']).to.equal(undefined);
    expect(base['_trustProxy']).to.equal(undefined);
    expect(base['_key']).to.not.equal('k');
    expect(base['_skipUserProfile']).to.equal(false);
  });
});
