/**
 * NestJS: the strategy as a `PassportStrategy(Strategy, 'microsoft')` subclass from @nestjs/passport,
 * its `validate()` path run through whole logins against the emulator, a Nest application context
 * that builds it through dependency injection, and `AuthGuard('microsoft')` on both legs of a login.
 *
 * Decorators are applied as plain calls (`Injectable()(Class)`), so no `experimentalDecorators` or
 * decorator metadata is needed to compile or run this file.
 */
import 'reflect-metadata';
import { Inject, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { expect } from 'chai';
import passport from 'passport';
import { DEFAULT_CLIENT, DEMO_TENANT_ID, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile, MicrosoftRequest } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { callbackFromEmulator, demoUser, loginThroughEmulator } from '../helpers/emulator.js';
import { rejectionOf } from '../helpers/errors.js';
import { expectErrorOf, expectFail, expectSuccess, fakeRequest } from '../helpers/passport.js';

/** What the Nest app keeps as its user. */
interface AppUser {
  provider: 'microsoft';
  tenantId: string | undefined;
  objectId: string;
  displayName: string;
  email: string | undefined;
  hasRefreshToken: boolean;
}

/** Injection token for the strategy settings. */
const MICROSOFT_SETTINGS = Symbol('MICROSOFT_SETTINGS');

interface MicrosoftSettings {
  authority: string;
  graphBaseURL: string;
}

/** The strategy options a Nest app builds from its settings. */
function strategyOptions(settings: MicrosoftSettings): StrategyOptions {
  return {
    clientID: DEFAULT_CLIENT.clientID,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    callbackURL: 'http://127.0.0.1:3000/login/callback',
    authority: settings.authority,
    graphBaseURL: settings.graphBaseURL,
  };
}

/** The class a Nest app writes: `validate()` returns the user, `false` refuses, a throw is an error. */
class MicrosoftAuthStrategy extends PassportStrategy(Strategy, 'microsoft') {
  readonly validated: MicrosoftProfile[] = [];

  constructor(settings: MicrosoftSettings) {
    super(strategyOptions(settings));
  }

  async validate(
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
  ): Promise<AppUser | false> {
    this.validated.push(profile);
    if (accessToken === '') throw new Error('no access token');
    if (profile.displayName === 'Kiosk Operator') return false;
    return {
      provider: profile.provider,
      tenantId: profile.tenantId,
      objectId: profile.id,
      displayName: profile.displayName,
      email: profile.emails?.[0]?.value,
      hasRefreshToken: typeof refreshToken === 'string' && refreshToken !== '',
    };
  }
}
Injectable()(MicrosoftAuthStrategy);
Inject(MICROSOFT_SETTINGS)(MicrosoftAuthStrategy, undefined, 0);

/** A strategy whose `validate()` throws, to see the error path. */
class ThrowingMicrosoftStrategy extends PassportStrategy(Strategy, 'microsoft-throwing') {
  constructor(settings: MicrosoftSettings) {
    super(strategyOptions(settings));
  }

  validate(): never {
    throw new Error('user store unavailable');
  }
}

/** The Passport strategy registered under `name` (what `passport.authenticate(name)` will run). */
function registered(name: string): unknown {
  return (passport as unknown as { _strategy(name: string): unknown })._strategy(name);
}

/** A response object with what Passport's `redirect` action uses; `ended` resolves with the Location. */
function fakeResponse(): { res: object; ended: Promise<{ status: number; location: string }> } {
  let done: (value: { status: number; location: string }) => void = () => undefined;
  const ended = new Promise<{ status: number; location: string }>((resolve) => {
    done = resolve;
  });
  const headers = new Map<string, string>();
  const res = {
    statusCode: 200,
    setHeader(name: string, value: string) {
      headers.set(name.toLowerCase(), String(value));
    },
    end() {
      done({ status: res.statusCode, location: headers.get('location') ?? '' });
    },
  };
  return { res, ended };
}

function httpContext(req: MicrosoftRequest, res: object): ExecutionContext {
  const context = {
    switchToHttp: () => ({
      getRequest: () => req,
      getResponse: () => res,
      getNext: () => undefined,
    }),
  };
  return context as unknown as ExecutionContext;
}

describe('NestJS: PassportStrategy(Strategy, "microsoft") against the emulator', () => {
  let emulator: Emulator;
  let settings: MicrosoftSettings;

  before(async () => {
    emulator = await startEmulator();
    settings = { authority: emulator.authority('common'), graphBaseURL: emulator.graphBaseURL };
  });

  after(async () => {
    passport.unuse('microsoft');
    passport.unuse('microsoft-throwing');
    await emulator.close();
  });

  describe('the PassportStrategy subclass', () => {
    it('is a Strategy registered with Passport under "microsoft"', () => {
      const strategy = new MicrosoftAuthStrategy(settings);

      expect(strategy).to.be.instanceOf(Strategy);
      expect(strategy.name).to.equal('microsoft');
      expect(registered('microsoft')).to.equal(strategy);
    });

    it('runs validate(accessToken, refreshToken, profile) and signs in what it returns', async () => {
      const strategy = new MicrosoftAuthStrategy(settings);
      const work = demoUser('work');

      const { user } = expectSuccess(await loginThroughEmulator(strategy, 'work'));

      expect(user).to.deep.equal({
        provider: 'microsoft',
        tenantId: DEMO_TENANT_ID,
        objectId: work.oid,
        displayName: work.displayName,
        email: work.email,
        hasRefreshToken: true,
      });
      expect(strategy.validated).to.have.length(1);
      expect(strategy.validated[0]?.graphId).to.equal(work.graphId);
    });

    it('hands validate() the normalized profile of a personal account', async () => {
      const strategy = new MicrosoftAuthStrategy(settings);
      const personal = demoUser('personal');

      expectSuccess(await loginThroughEmulator(strategy, 'personal'));

      const profile = strategy.validated[0];
      expect(profile?.id).to.equal(personal.oid);
      expect(profile?.accountType).to.equal('personal');
      expect(profile?.graphId).to.equal(personal.graphId);
      expect(profile?.emails).to.deep.equal([
        { value: personal.email, type: 'home', verified: true },
      ]);
    });

    it('turns validate() returning false into a Passport fail', async () => {
      const strategy = new MicrosoftAuthStrategy(settings);

      expectFail(await loginThroughEmulator(strategy, 'no-email'));

      expect(strategy.validated).to.have.length(1);
    });

    it('turns an exception in validate() into a Passport error', async () => {
      const strategy = new ThrowingMicrosoftStrategy(settings);

      const outcome = await loginThroughEmulator(strategy, 'work');

      expect(expectErrorOf(outcome, Error).message).to.equal('user store unavailable');
    });
  });

  describe('inside a Nest application context', () => {
    class AuthModule {}
    Module({
      providers: [
        { provide: MICROSOFT_SETTINGS, useFactory: () => settings },
        MicrosoftAuthStrategy,
      ],
    })(AuthModule);

    it('builds the strategy through dependency injection and signs a user in with it', async () => {
      const app = await NestFactory.createApplicationContext(AuthModule, { logger: false });
      try {
        const strategy = app.get(MicrosoftAuthStrategy);
        expect(registered('microsoft')).to.equal(strategy);

        const { user } = expectSuccess(await loginThroughEmulator(strategy, 'work'));

        expect(user).to.include({ objectId: demoUser('work').oid, tenantId: DEMO_TENANT_ID });
      } finally {
        await app.close();
      }
    });
  });

  describe("AuthGuard('microsoft')", () => {
    class MicrosoftLoginGuard extends AuthGuard('microsoft') {
      override getAuthenticateOptions(): { prompt: 'select_account' } {
        return { prompt: 'select_account' };
      }
    }

    it('redirects the login route to Microsoft with the options of getAuthenticateOptions()', async () => {
      new MicrosoftAuthStrategy(settings);
      const session: Record<string, unknown> = {};
      const { res, ended } = fakeResponse();

      void new MicrosoftLoginGuard().canActivate(
        httpContext(fakeRequest({ url: '/login', session }), res),
      );
      const redirect = await ended;

      expect(redirect.status).to.equal(302);
      const url = new URL(redirect.location);
      expect(`${url.origin}${url.pathname}`).to.equal(
        `${emulator.authority('common')}/oauth2/v2.0/authorize`,
      );
      expect(url.searchParams.get('prompt')).to.equal('select_account');
      expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    });

    it('authenticates the callback route and puts the user on request.user', async () => {
      const strategy = new MicrosoftAuthStrategy(settings);
      const session: Record<string, unknown> = {};
      const req = fakeRequest({
        url: await callbackFromEmulator(strategy, 'work', session),
        session,
      });

      const allowed = await new (AuthGuard('microsoft'))().canActivate(
        httpContext(req, fakeResponse().res),
      );

      expect(allowed).to.equal(true);
      expect((req as unknown as { user: AppUser }).user).to.include({
        objectId: demoUser('work').oid,
        displayName: 'Adele Vance',
      });
    });

    it('answers a replayed callback with UnauthorizedException', async () => {
      const strategy = new MicrosoftAuthStrategy(settings);
      const session: Record<string, unknown> = {};
      const callbackPath = await callbackFromEmulator(strategy, 'work', session);
      const Guard = AuthGuard('microsoft');
      await new Guard().canActivate(
        httpContext(fakeRequest({ url: callbackPath, session }), fakeResponse().res),
      );

      const caught = await rejectionOf(() =>
        new Guard().canActivate(
          httpContext(fakeRequest({ url: callbackPath, session }), fakeResponse().res),
        ),
      );

      expect(caught).to.be.instanceOf(UnauthorizedException);
    });
  });
});
