/**
 * End-to-end logins through a real Express + express-session + passport app and the emulator,
 * over real HTTP on 127.0.0.1.
 */
import { expect } from 'chai';
import {
  DEFAULT_CLIENT,
  DEMO_USERS,
  completeLogin,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import type { MicrosoftProfile } from '../../lib/types.js';
import { signIn, TestBrowser } from '../helpers/browser.js';
import { demoUser, signedInThroughCommon } from '../helpers/emulator.js';
import { startApp } from './app.js';
import type { CallbackOutcome, TestApp } from './app.js';

const CONSUMER = '9188040d-6c67-4c5b-b112-36a304b66dad';

describe('end-to-end sign-in through the emulator', function () {
  let emulator: Emulator;
  const apps: TestApp[] = [];

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await emulator.close();
  });
  afterEach(() => emulator.clearFaults());

  async function app(extra: Partial<Parameters<typeof startApp>[0]> = {}): Promise<TestApp> {
    const a = await startApp({
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
      ...extra,
    });
    apps.push(a);
    return a;
  }

  async function me(browser: TestBrowser, a: TestApp): Promise<MicrosoftProfile | null> {
    return JSON.parse((await browser.get(`${a.url}/me`)).body) as MicrosoftProfile | null;
  }

  for (const source of ['graph', 'id_token'] as const) {
    for (const mode of ['query', 'form_post'] as const) {
      describe(`profileSource ${source}, response_mode ${mode}`, () => {
        let a: TestApp;
        before(async () => {
          a = await app({ profileSource: source });
        });

        for (const picked of DEMO_USERS) {
          // Through common a guest signs in as its home account, as at Microsoft.
          const user = signedInThroughCommon(picked.key);
          it(`signs in the ${picked.key} account and keeps its normalized profile in the session`, async () => {
            const browser = new TestBrowser(a.url);
            const { callback } = await signIn(
              browser,
              picked.key,
              mode === 'form_post' ? '/login?mode=form_post' : '/login',
            );
            expect(JSON.parse(callback.body)).to.include({ action: 'success' });
            const profile = await me(browser, a);
            expect(profile).to.not.equal(null);
            const p = profile as MicrosoftProfile;
            expect(p.provider).to.equal('microsoft');
            expect(p.id).to.equal(user.oid);
            expect(p.objectId).to.equal(user.oid);
            expect(p.tenantId).to.equal(user.tid);
            expect(p.accountType).to.equal(user.tid === CONSUMER ? 'personal' : 'work');
            expect(p.displayName).to.equal(user.displayName);
            expect(p.username).to.equal(user.preferredUsername);
            expect(p.idTokenClaims?.oid).to.equal(user.oid);
            if (source === 'graph') {
              expect(p.graphId).to.equal(user.graphId);
              expect(p._json['id']).to.equal(user.graphId);
            } else {
              expect(p).to.not.have.property('graphId');
              expect(p._json['oid']).to.equal(user.oid);
            }
            if (user.email !== undefined) {
              expect(p.emails?.[0]).to.deep.equal({
                value: user.email,
                type: user.tid === CONSUMER ? 'home' : 'work',
                verified: user.tid === CONSUMER || user.emailDomainVerified === true,
              });
            } else if (source === 'id_token' || user.mail === null) {
              expect(p).to.not.have.property('emails');
            }
          });
        }
      });
    }
  }

  it("shows the emulator's sign-in page in the locale passed to passport.authenticate (sent as mkt) and still signs in", async () => {
    const a = await startApp(
      {
        clientID: DEFAULT_CLIENT.clientID,
        clientSecret: DEFAULT_CLIENT.clientSecret,
        authority: emulator.authority('common'),
        graphBaseURL: emulator.graphBaseURL,
      },
      { locale: 'fr-FR' },
    );
    apps.push(a);
    const browser = new TestBrowser(a.url);
    const { authorizeURL, callback } = await signIn(browser, 'work');
    expect(authorizeURL.searchParams.get('mkt')).to.equal('fr-FR');
    const page = await new TestBrowser(a.url).get(authorizeURL.href);
    expect(page.body).to.match(/<html lang="fr-FR">/);
    expect((JSON.parse(callback.body) as CallbackOutcome).action).to.equal('success');
  });

  describe('failures a user can run into', () => {
    let a: TestApp;
    before(async () => {
      a = await app();
    });

    it('turns Cancel on the sign-in page (access_denied, error_subcode cancel) into a Passport fail', async () => {
      const { callback } = await signIn(new TestBrowser(a.url), { cancel: true });
      const outcome = JSON.parse(callback.body) as CallbackOutcome;
      expect(outcome.action).to.equal('fail');
      expect(outcome.info?.['error']).to.equal('access_denied');
      expect(outcome.info?.['subcode']).to.equal('cancel');
      expect(outcome.info?.['message']).to.equal('Sign-in was cancelled');
      // Microsoft sends no description on Cancel, so no AADSTS code either.
      expect(outcome.info).to.not.have.property('aadsts');
    });

    it('refuses a replayed callback (the state is single use)', async () => {
      const browser = new TestBrowser(a.url);
      const { callback, callbackURL } = await signIn(browser, 'personal');
      expect(JSON.parse(callback.body)).to.include({ action: 'success' });
      const replay = JSON.parse((await browser.get(callbackURL)).body) as CallbackOutcome;
      expect(replay).to.include({ action: 'fail', status: 403 });
      expect(String(replay.info?.['message'])).to.contain('state');
    });

    it('refuses a tampered state', async () => {
      const browser = new TestBrowser(a.url);
      const start = await browser.get(`${a.url}/login`);
      const result = await completeLogin(start.location as string, 'work');
      if (result.kind !== 'redirect') throw new Error('expected a redirect');
      const url = new URL(result.location);
      url.searchParams.set('state', `${url.searchParams.get('state') ?? ''}x`);
      const outcome = JSON.parse((await browser.get(url.href)).body) as CallbackOutcome;
      expect(outcome).to.include({ action: 'fail', status: 403 });
    });

    it('reports a replayed authorization code as MicrosoftTokenError with AADSTS54005', async () => {
      const browser = new TestBrowser(a.url);
      const first = await signIn(browser, 'work');
      expect(JSON.parse(first.callback.body)).to.include({ action: 'success' });
      const code = new URL(first.callbackURL).searchParams.get('code') as string;
      // A fresh login's state, with the already redeemed code.
      const start = await browser.get(`${a.url}/login`);
      const second = await completeLogin(start.location as string, 'work');
      if (second.kind !== 'redirect') throw new Error('expected a redirect');
      const url = new URL(second.location);
      url.searchParams.set('code', code);
      const outcome = JSON.parse((await browser.get(url.href)).body) as CallbackOutcome;
      expect(outcome.action).to.equal('error');
      expect(outcome.error).to.include({ name: 'MicrosoftTokenError', code: 'invalid_grant' });
      expect(outcome.error?.errorCodes).to.deep.equal([54005]);
    });

    it('reports a wrong client secret as MicrosoftTokenError with AADSTS7000215', async () => {
      const wrong = await app({ clientSecret: 'not-the-secret' });
      const { callback } = await signIn(new TestBrowser(wrong.url), 'personal');
      const outcome = JSON.parse(callback.body) as CallbackOutcome;
      expect(outcome.error).to.include({
        name: 'MicrosoftTokenError',
        code: 'invalid_client',
        status: 401,
      });
      expect(outcome.error?.errorCodes).to.deep.equal([7000215]);
      expect(outcome.error?.message).to.not.contain('not-the-secret');
    });

    it('is stopped by Microsoft (AADSTS50011, no redirect) when the callback URL is not registered', async () => {
      const other = await app({ callbackURL: 'http://127.0.0.1:9/not/registered' });
      const start = await new TestBrowser(other.url).get('/login');
      const result = await completeLogin(start.location as string, 'personal');
      expect(result.kind).to.equal('error_page');
      if (result.kind === 'error_page') expect(result.code).to.equal(50011);
    });

    it('turns a Graph 503 into a MicrosoftGraphError with Retry-After', async () => {
      emulator.setFault('graph.me', { type: 'status', status: 503, retryAfter: 7 });
      const { callback } = await signIn(new TestBrowser(a.url), 'work');
      const outcome = JSON.parse(callback.body) as CallbackOutcome;
      expect(outcome.error).to.include({ name: 'MicrosoftGraphError', status: 503, retryAfter: 7 });
    });

    it('aborts a Graph call that outlives the timeout with MicrosoftHttpError timeout', async () => {
      const quick = await app({ timeout: 300 });
      emulator.setFault('graph.me', { type: 'hang' });
      const { callback } = await signIn(new TestBrowser(quick.url), 'work');
      const outcome = JSON.parse(callback.body) as CallbackOutcome;
      expect(outcome.error).to.include({ name: 'MicrosoftHttpError', code: 'timeout' });
      // Generous: the 300 ms timeout must end the Graph call, not the hang.
      expect(
        outcome.elapsedMs,
        `the 300 ms timeout ended the callback after ${String(outcome.elapsedMs)} ms`,
      ).to.be.below(3000);
    });

    it('signs in again normally once the fault is gone', async () => {
      const browser = new TestBrowser(a.url);
      const { callback } = await signIn(browser, 'work');
      expect(JSON.parse(callback.body)).to.include({ action: 'success' });
      expect((await me(browser, a))?.objectId).to.equal(demoUser('work').oid);
    });
  });

  describe('isolation under load', () => {
    it('gives 200 concurrent logins of different users each exactly its own user', async function () {
      this.timeout(60_000);
      const a = await app();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on('unhandledRejection', onUnhandled);
      try {
        const results = await Promise.all(
          Array.from({ length: 200 }, async (_, i) => {
            const picked = DEMO_USERS[i % DEMO_USERS.length] as (typeof DEMO_USERS)[number];
            const user = signedInThroughCommon(picked.key);
            const browser = new TestBrowser(a.url);
            const { callback } = await signIn(browser, picked.key);
            const profile = await me(browser, a);
            return {
              expected: user.oid,
              tenant: user.tid,
              outcome: JSON.parse(callback.body) as CallbackOutcome,
              profile,
            };
          }),
        );
        const crossTalk = results.filter(
          (r) => r.profile?.id !== r.expected || r.profile?.tenantId !== r.tenant,
        );
        expect(results.filter((r) => r.outcome.action !== 'success')).to.have.length(0);
        expect(crossTalk).to.have.length(0);
        expect(unhandled).to.have.length(0);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await a.openConnections()).to.equal(0);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});
