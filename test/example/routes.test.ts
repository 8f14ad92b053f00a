/**
 * The sample app's routes over real HTTP against the emulator: sign-in per demo account, cancel,
 * failures, open-redirect attempts, logout with its CSRF check, form_post.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import {
  completeLogin,
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_ID,
  DEMO_USERS,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { createApp, safeReturnTo } from '../../example/app.js';
import { signIn, TestBrowser } from '../helpers/browser.js';
import { demoUser, signedInThroughCommon } from '../helpers/emulator.js';
import { headingAnchors, ROOT } from '../docs/markdown.js';
import { byId, csrfField, startApp, TEST_SECRET, text } from './helpers.js';
import type { RunningApp } from './helpers.js';

/** What the "It Works!" page must show for each demo account. */
const EXPECTED: Record<
  string,
  { name: string; email: string; verified: string; type: string; photo: boolean }
> = {
  personal: {
    name: 'Avery Howard',
    email: 'avery.howard@outlook.com',
    verified: 'verified',
    type: 'Personal Microsoft account',
    photo: true,
  },
  work: {
    name: 'Adele Vance',
    email: 'AdeleV@contoso.com',
    verified: 'verified',
    type: 'Work or school account',
    photo: true,
  },
  'personal-gmail': {
    name: 'Sam Rivera',
    email: 'sam.rivera@gmail.com',
    verified: 'verified',
    type: 'Personal Microsoft account',
    photo: false,
  },
  'no-email': {
    name: 'Kiosk Operator',
    email:
      'none: no mailbox, so no email (the sign-in name kiosk01@contoso.onmicrosoft.com is not a mail address)',
    verified: '',
    type: 'Work or school account',
    photo: false,
  },
  // The guest's home account: what the guest signs in as through common.
  'guest-home': {
    name: 'Jordan Lee',
    email: 'jordan.lee@outlook.com',
    verified: 'verified',
    type: 'Personal Microsoft account',
    photo: false,
  },
};

describe('sample app routes', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let app: RunningApp;

  before(async () => {
    emulator = await startEmulator();
    app = await startApp(emulator);
  });
  after(async () => {
    await app?.close();
    await emulator?.close();
  });

  describe('home page', () => {
    it('offers "Sign in with Microsoft", a personal-only link and an account-picker link, without creating a session', async () => {
      const res = await new TestBrowser(app.url).get('/');
      expect(res.status).to.equal(200);
      expect(res.body).to.include('Sign in with Microsoft');
      expect(res.body).to.include('href="/login"');
      expect(res.body).to.include('href="/login?mode=personal"');
      expect(res.body).to.include('href="/login?mode=select"');
      expect(text(res.body)).to.include(`local Microsoft emulator at ${emulator.url}`);
      expect(res.setCookie).to.deep.equal([]);
    });

    it('sends helmet headers with a CSP that allows data: photos, its own style sheet and the sign-out redirect to Microsoft', async () => {
      const res = await request(
        createApp({
          baseURL: 'http://localhost:3000',
          microsoft: {
            clientID: DEFAULT_CLIENT.clientID,
            clientSecret: DEFAULT_CLIENT.clientSecret,
            tenant: 'common',
            cloud: 'global',
          },
          sessionSecret: TEST_SECRET,
          trustProxy: false,
          responseMode: 'query',
        }).app,
      ).get('/');
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).to.include("img-src 'self' data:");
      expect(csp).to.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).to.include("script-src 'none'");
      expect(csp).to.include("frame-ancestors 'none'");
      expect(csp).to.include("form-action 'self' https://login.microsoftonline.com");
      expect(csp).not.to.include('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['strict-transport-security']).to.equal(undefined);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.headers['x-powered-by']).to.equal(undefined);
    });
  });

  describe('GET /login', () => {
    it('redirects to the authorize endpoint with state, PKCE and nonce, and sets an httpOnly SameSite=Lax session cookie', async () => {
      const res = await new TestBrowser(app.url).get('/login');
      expect(res.status).to.equal(302);
      const url = new URL(res.location ?? '');
      expect(`${url.origin}${url.pathname}`).to.equal(
        `${emulator.url}/common/oauth2/v2.0/authorize`,
      );
      const q = url.searchParams;
      expect(q.get('client_id')).to.equal(DEFAULT_CLIENT.clientID);
      expect(q.get('redirect_uri')).to.equal(`${app.url}/login/callback`);
      expect(q.get('response_type')).to.equal('code');
      expect(q.get('scope')).to.equal('openid profile email offline_access User.Read');
      expect(q.get('code_challenge_method')).to.equal('S256');
      expect(q.get('state')).to.match(/^[A-Za-z0-9_-]{20,}$/);
      expect(q.get('nonce')).to.match(/^[A-Za-z0-9_-]{20,}$/);
      expect(q.has('prompt')).to.equal(false);
      expect(q.has('domain_hint')).to.equal(false);
      expect(q.has('response_mode')).to.equal(false);
      expect(res.setCookie).to.have.length(1);
      const cookie = res.setCookie[0] ?? '';
      expect(cookie).to.match(/^sid=/);
      expect(cookie).to.match(/; HttpOnly/i);
      expect(cookie).to.match(/; SameSite=Lax/i);
      expect(cookie).to.match(/; Path=\//i);
      expect(cookie).not.to.match(/; Secure/i);
    });

    it('mode=personal sends domain_hint=consumers and lists only personal accounts', async () => {
      const res = await new TestBrowser(app.url).get('/login?mode=personal');
      const url = new URL(res.location ?? '');
      expect(url.searchParams.get('domain_hint')).to.equal('consumers');
      expect(url.searchParams.has('prompt')).to.equal(false);
      const page = await (await fetch(url)).text();
      expect(page).to.include('data-account="personal"');
      expect(page).to.include('data-account="personal-gmail"');
      expect(page).not.to.include('data-account="work"');
    });

    it('mode=select sends prompt=select_account', async () => {
      const res = await new TestBrowser(app.url).get('/login?mode=select');
      const url = new URL(res.location ?? '');
      expect(url.searchParams.get('prompt')).to.equal('select_account');
      expect(url.searchParams.has('domain_hint')).to.equal(false);
    });
  });

  describe('sign-in with each demo account', () => {
    for (const picked of DEMO_USERS) {
      // Through common (the app's default tenant) a guest signs in as its home account.
      const user = signedInThroughCommon(picked.key);
      const expected = EXPECTED[user.key];
      it(`${picked.key}: lands on "It Works!" with name, email, account type, tenant id and object id`, async () => {
        if (!expected) throw new Error(`no expectation for demo account ${user.key}`);
        const browser = new TestBrowser(app.url);
        const trace = await signIn(browser, picked.key);
        const before = trace.start.setCookie[0]?.split(';')[0];
        expect(trace.callback.status).to.equal(303);
        expect(trace.callback.location).to.equal('/profile');
        // passport 0.7 regenerated the session: the pre-login session id is not the signed-in one.
        const after = trace.callback.setCookie[0]?.split(';')[0];
        expect(after).to.match(/^sid=/);
        expect(after).not.to.equal(before);

        const page = await browser.get('/profile');
        expect(page.status).to.equal(200);
        expect(page.headers['cache-control']).to.equal('no-store');
        expect(page.body).to.include('It Works!');
        expect(byId(page.body, 'display-name')).to.equal(expected.name);
        expect(byId(page.body, 'email')).to.equal(expected.email);
        if (expected.verified === '') expect(page.body).not.to.include('id="email-verified"');
        else expect(byId(page.body, 'email-verified')).to.equal(expected.verified);
        expect(byId(page.body, 'account-type')).to.equal(expected.type);
        expect(byId(page.body, 'tenant-id')).to.equal(user.tid);
        expect(byId(page.body, 'object-id')).to.equal(user.oid);
        expect(
          /<img class="photo" id="photo" src="data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+"/.test(
            page.body,
          ),
        ).to.equal(expected.photo);
        const raw =
          /<details><summary>Raw profile JSON<\/summary><pre id="raw-profile">([\s\S]*?)<\/pre><\/details>/.exec(
            page.body,
          )?.[1];
        const json = JSON.parse(text(raw ?? '')) as Record<string, unknown>;
        expect(json['provider']).to.equal('microsoft');
        expect(json['id']).to.equal(user.oid);
        expect(json['graphId']).to.equal(user.graphId);
        expect(json).not.to.have.property('_raw');
        // Never a token on the page: no JWT (ID token), no emulator access or refresh token.
        expect(page.body).not.to.match(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
        expect(page.body).not.to.match(/EwB[A-Za-z0-9_-]{40}|M\.C5_|1\.AX_/);
        // The home page now greets the user and offers sign-out.
        const home = await browser.get('/');
        expect(text(home.body)).to.include(`Welcome back, ${expected.name}`);
        expect(home.body).to.include('action="/logout"');
      });
    }

    it('the guest signs in as the guest of Contoso when the app names the tenant (MICROSOFT_TENANT), shown as a guest', async () => {
      const contoso = await startApp(emulator, { tenant: 'contoso.onmicrosoft.com' });
      try {
        const browser = new TestBrowser(contoso.url);
        const trace = await signIn(browser, 'guest', '/login');
        expect(trace.callback.location).to.equal('/profile');
        const page = await browser.get('/profile');
        const guest = demoUser('guest');
        expect(byId(page.body, 'display-name')).to.equal('Jordan Lee');
        expect(byId(page.body, 'email')).to.equal('jordan.lee@outlook.com');
        expect(byId(page.body, 'email-verified')).to.equal('not verified');
        expect(byId(page.body, 'account-type')).to.equal(
          'Guest (work or school account of another organization)',
        );
        expect(byId(page.body, 'tenant-id')).to.equal(DEMO_TENANT_ID);
        expect(byId(page.body, 'object-id')).to.equal(guest.oid);
      } finally {
        await contoso.close();
      }
    });

    it('a tenant authority (consumers) still works: the personal account signs in', async () => {
      const consumers = await startApp(emulator, { tenant: 'consumers' });
      try {
        const browser = new TestBrowser(consumers.url);
        const trace = await signIn(browser, 'personal', '/login');
        expect(trace.callback.location).to.equal('/profile');
        const page = await browser.get('/profile');
        expect(byId(page.body, 'tenant-id')).to.equal(CONSUMER_TENANT_ID);
      } finally {
        await consumers.close();
      }
    });

    it('GET /profile without a session redirects to sign-in and comes back to /profile', async () => {
      const browser = new TestBrowser(app.url);
      const res = await browser.get('/profile');
      expect(res.status).to.equal(303);
      expect(res.location).to.equal('/login?returnTo=%2Fprofile');
      const trace = await signIn(browser, 'work', res.location);
      expect(trace.callback.location).to.equal('/profile');
    });

    it('replaying a callback URL after sign-in is refused (403, state cannot be verified)', async () => {
      const browser = new TestBrowser(app.url);
      const trace = await signIn(browser, 'personal');
      expect(trace.callback.status).to.equal(303);
      const replay = await browser.get(trace.callbackURL);
      expect(replay.status).to.equal(403);
      expect(byId(replay.body, 'error-message')).to.match(
        /^Unable to verify authorization request state/,
      );
      expect(byId(replay.body, 'reason')).to.equal('no_pending_login');
    });

    it('a callback whose session cookie did not come back shows reason cookie_missing and links to docs/errors.md', async () => {
      const browser = new TestBrowser(app.url);
      const start = await browser.get('/login');
      const microsoft = await completeLogin(start.location ?? '', 'work');
      if (microsoft.kind !== 'redirect') throw new Error(microsoft.kind);
      // Another browser (or one that dropped the cookie) comes back with the callback.
      const callback = await new TestBrowser(app.url).get(microsoft.location);
      expect(callback.status).to.equal(403);
      expect(byId(callback.body, 'reason')).to.equal('cookie_missing');
      expect(text(callback.body)).to.include("Your browser did not send this site's cookie back");
      const link = /<a id="docs-link" href="([^"]+)">/.exec(callback.body)?.[1] ?? '';
      const prefix =
        'https://github.com/passport-microsoft-account/passport-microsoft-account/blob/main/docs/errors.md#';
      expect(link.startsWith(prefix), link).to.equal(true);
      const anchors = headingAnchors(readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8'));
      expect(anchors.has(link.slice(prefix.length)), link).to.equal(true);
    });
  });

  describe('cancel and failures', () => {
    it('cancel on the Microsoft page (access_denied, error_subcode cancel) shows the friendly error page', async () => {
      const browser = new TestBrowser(app.url);
      const trace = await signIn(browser, { cancel: true });
      expect(trace.emulator.kind).to.equal('redirect');
      const query = new URL(trace.callbackURL).searchParams;
      expect(query.get('error_subcode')).to.equal('cancel');
      expect(query.get('error_description')).to.equal(null);

      expect(trace.callback.status).to.equal(401);
      const page = trace.callback.body;
      expect(page).to.include('<h1>Sign-in was cancelled</h1>');
      expect(byId(page, 'error-code')).to.equal('access_denied');
      expect(byId(page, 'aadsts')).to.equal(undefined);
      expect(page).to.include('href="/login" id="try-again"');
      expect(app.logs.at(-1)).to.equal('sign-in cancelled error=access_denied');
      // Still signed out.
      expect((await browser.get('/profile')).status).to.equal(303);
    });

    it('logs what a callback carried through safeLogValue: control characters are escaped', async () => {
      const browser = new TestBrowser(app.url);
      const start = await browser.get('/login');
      const state = new URL(start.location ?? '').searchParams.get('state') ?? '';
      const query = new URLSearchParams({
        error: 'interaction_required',
        // An ANSI "erase line, go to column 1" sequence would hide the start of the line on a terminal.
        error_description: 'AADSTS50076: MFA needed\u001b[2K\u001b[1G[INFO] admin signed in',
        state,
      });
      const res = await browser.get(`/login/callback?${query.toString()}`);
      expect(res.status).to.equal(401);
      const line = app.logs.at(-1) ?? '';
      expect(line).to.include('MFA needed\\u001b[2K\\u001b[1G[INFO] admin signed in');
      expect([...line].some((c) => c.charCodeAt(0) < 0x20)).to.equal(false);
    });

    it('a forged error callback without a pending login is refused with 403, logging none of its text', async () => {
      const browser = new TestBrowser(app.url);
      const query = new URLSearchParams({
        error: 'server_error',
        error_description: 'Your account is locked, call +1 555 0100',
      });
      const res = await browser.get(`/login/callback?${query.toString()}`);
      expect(res.status).to.equal(403);
      expect(app.logs.join('\n')).to.not.include('locked');
    });

    it('a Graph failure shows an error page with the Graph error code and request id, never a token', async () => {
      emulator.setFault('graph.me', { type: 'status', status: 503, retryAfter: 5 }, { times: 1 });
      try {
        const browser = new TestBrowser(app.url);
        const trace = await signIn(browser, 'work');
        expect(trace.callback.status).to.equal(502);
        expect(trace.callback.body).to.include('Microsoft Graph did not return your profile.');
        // The emulator answers a 503 on /me with Graph's serviceNotAvailable and a GUID request id.
        expect(byId(trace.callback.body, 'error-code')).to.equal('serviceNotAvailable');
        expect(byId(trace.callback.body, 'request-id')).to.match(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(trace.callback.body).not.to.match(/EwB[A-Za-z0-9_-]{40}|eyJ[A-Za-z0-9_-]{10,}\./);
        expect((await browser.get('/profile')).status).to.equal(303);
      } finally {
        emulator.clearFaults();
      }
    });

    it("a token-endpoint refusal shows the AADSTS code and trace id from Microsoft's JSON error", async () => {
      const wrongSecret = await startApp(emulator, {
        client: { clientID: DEFAULT_CLIENT.clientID, clientSecret: 'not-the-secret' },
      });
      try {
        const trace = await signIn(new TestBrowser(wrongSecret.url), 'personal');
        expect(trace.callback.status).to.equal(502);
        expect(byId(trace.callback.body, 'error-code')).to.equal('invalid_client');
        expect(byId(trace.callback.body, 'aadsts')).to.equal('AADSTS7000215');
        expect(byId(trace.callback.body, 'trace-id')).to.match(/^[0-9a-f-]{36}$/);
        expect(wrongSecret.logs.join('\n')).to.include(
          'token error error=invalid_client microsoft_error_code=AADSTS7000215',
        );
      } finally {
        await wrongSecret.close();
      }
    });

    it('the log never holds the authorization code, a token or the client secret', async () => {
      const browser = new TestBrowser(app.url);
      const trace = await signIn(browser, 'personal');
      await signIn(new TestBrowser(app.url), { cancel: true });
      const code = new URL(trace.callbackURL).searchParams.get('code') ?? '';
      expect(code).to.have.length.greaterThan(20);
      const log = app.logs.join('\n');
      expect(log).not.to.include(code);
      expect(log).not.to.include(DEFAULT_CLIENT.clientSecret);
      expect(log).not.to.match(/EwB|eyJ|M\.C5_|1\.AX_/);
    });
  });

  describe('returnTo', () => {
    const attempts = [
      '//evil.example/',
      '/\\evil.example',
      '/\\/evil.example',
      'https://evil.example/',
      'http:evil.example',
      'javascript:alert(1)',
      'evil',
      '/\r\nLocation: https://evil.example',
      '',
    ];
    for (const attempt of attempts) {
      it(`an open-redirect attempt ${JSON.stringify(attempt)} lands on /`, async () => {
        const trace = await signIn(
          new TestBrowser(app.url),
          'personal',
          `/login?returnTo=${encodeURIComponent(attempt)}`,
        );
        expect(trace.callback.status).to.equal(303);
        expect(trace.callback.location).to.equal('/');
      });
    }

    it('a same-origin path with query and fragment is kept', async () => {
      const trace = await signIn(
        new TestBrowser(app.url),
        'personal',
        `/login?returnTo=${encodeURIComponent('/profile?tab=raw#json')}`,
      );
      expect(trace.callback.location).to.equal('/profile?tab=raw#json');
    });

    it('safeReturnTo accepts only same-origin relative paths', () => {
      expect(safeReturnTo('/x')).to.equal('/x');
      expect(safeReturnTo('/a/b?c=d#e')).to.equal('/a/b?c=d#e');
      expect(safeReturnTo('/a/../b')).to.equal('/b');
      expect(safeReturnTo('/.//evil.example')).to.equal('/');
      expect(safeReturnTo('//evil.example')).to.equal('/');
      expect(safeReturnTo('/\\evil.example')).to.equal('/');
      expect(safeReturnTo('/\tevil')).to.equal('/');
      expect(safeReturnTo('https://evil.example/x')).to.equal('/');
      expect(safeReturnTo(['/x'])).to.equal('/');
      expect(safeReturnTo(undefined)).to.equal('/');
      expect(safeReturnTo(`/${'a'.repeat(3000)}`)).to.equal('/');
    });
  });

  describe('POST /logout', () => {
    async function signedIn(): Promise<{ browser: TestBrowser; token: string }> {
      const browser = new TestBrowser(app.url);
      await signIn(browser, 'personal');
      const page = await browser.get('/profile');
      return { browser, token: csrfField(page.body) };
    }

    it('without the CSRF token: 403, still signed in', async () => {
      const { browser } = await signedIn();
      const res = await browser.post('/logout', {});
      expect(res.status).to.equal(403);
      expect(res.body).to.include('Sign-out was refused');
      expect((await browser.get('/profile')).status).to.equal(200);
    });

    it("with a wrong token, or another session's token: 403, still signed in", async () => {
      const { browser, token } = await signedIn();
      const other = await signedIn();
      expect(other.token).not.to.equal(token);
      expect((await browser.post('/logout', { _csrf: `${token.slice(0, -1)}x` })).status).to.equal(
        403,
      );
      expect((await browser.post('/logout', { _csrf: other.token })).status).to.equal(403);
      expect((await browser.post('/logout', { _csrf: '' })).status).to.equal(403);
      expect((await browser.get('/profile')).status).to.equal(200);
    });

    it('without a session at all: 403', async () => {
      const res = await new TestBrowser(app.url).post('/logout', { _csrf: 'anything' });
      expect(res.status).to.equal(403);
    });

    it("with the right token: destroys the session and redirects to Microsoft's logout, which returns to the home page", async () => {
      const { browser, token } = await signedIn();
      const oldCookie = browser.cookies.get('sid');
      const res = await browser.post('/logout', { _csrf: token });
      expect(res.status).to.equal(303);
      expect(res.location).to.equal(
        `${emulator.url}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(`${app.url}/`)}&state=signed-out`,
      );
      expect(res.setCookie.join('\n')).to.match(/^sid=;.*Expires=Thu, 01 Jan 1970/m);
      expect(browser.cookies.has('sid')).to.equal(false);
      expect((await browser.get('/profile')).status).to.equal(303);
      // The old session id is gone from the store, not just from the browser.
      browser.cookies.set('sid', oldCookie ?? '');
      expect((await browser.get('/profile')).status).to.equal(303);
      // Microsoft's logout endpoint sends the browser back to the home page.
      const back = await browser.get(res.location ?? '');
      expect(back.status).to.equal(302);
      expect(back.location).to.equal(`${app.url}/?state=signed-out`);
    });

    it('sign-out lands on the home page saying you signed out', async () => {
      const { browser, token } = await signedIn();
      const res = await browser.post('/logout', { _csrf: token });
      const back = await browser.get(res.location ?? '');
      const landing = await browser.get(back.location ?? '');
      expect(landing.status).to.equal(200);
      expect(byId(landing.body, 'signed-out')).to.equal(
        'You signed out. Sign in again whenever you like.',
      );
      expect(text(landing.body)).to.include('Sign in with Microsoft');
      // Only a signed-out visitor sees it; the plain home page does not.
      expect((await browser.get('/')).body).to.not.include('id="signed-out"');
    });

    it('GET /logout answers 405 with Allow: POST', async () => {
      const res = await new TestBrowser(app.url).get('/logout');
      expect(res.status).to.equal(405);
      expect(res.headers['allow']).to.equal('POST');
    });
  });

  it('unknown paths get a 404 page', async () => {
    const res = await new TestBrowser(app.url).get('/nope');
    expect(res.status).to.equal(404);
    expect(res.body).to.include('Page not found');
  });

  it('error pages keep the signed-in header (name, Profile, Sign out) while the user is signed in', async () => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, 'work');
    const cancelled = await signIn(browser, { cancel: true });
    const pages = [
      (await browser.get('/nope')).body,
      (await browser.get('/logout')).body,
      (await browser.post('/logout', {})).body,
      cancelled.callback.body,
    ];
    for (const page of pages) {
      expect(page).to.match(
        /<header>.*<nav><span>Adele Vance<\/span><a href="\/profile">Profile<\/a>/,
      );
      expect(page).to.include('id="nav-sign-out"');
    }
    expect((await browser.get('/profile')).status).to.equal(200);
    // Signed out, the same pages have no such header.
    expect((await new TestBrowser(app.url).get('/nope')).body).not.to.include('<nav>');
  });

  it('answers /favicon.ico and /favicon.svg with the icon every page links to, without a session', async () => {
    for (const file of ['/favicon.ico', '/favicon.svg']) {
      const res = await new TestBrowser(app.url).get(file);
      expect(res.status, file).to.equal(200);
      expect(res.headers['content-type']).to.equal('image/svg+xml; charset=utf-8');
      expect(res.body).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(res.setCookie).to.deep.equal([]);
    }
    expect((await new TestBrowser(app.url).get('/')).body).to.include(
      '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
    );
  });

  describe('form_post response mode behind an https proxy', () => {
    const PUBLIC = 'https://app.example.test';
    let formEmulator: Emulator;
    let formApp: RunningApp;

    before(async () => {
      formEmulator = await startEmulator({
        clients: [
          {
            ...DEFAULT_CLIENT,
            redirectUris: [...DEFAULT_CLIENT.redirectUris, `${PUBLIC}/login/callback`],
          },
        ],
      });
      formApp = await startApp(formEmulator, {
        baseURL: PUBLIC,
        trustProxy: 'loopback',
        responseMode: 'form_post',
      });
    });
    after(async () => {
      await formApp?.close();
      await formEmulator?.close();
    });

    it('asks for response_mode=form_post, uses a __Host- SameSite=None; Secure cookie, and signs in through POST /login/callback', async () => {
      const browser = new TestBrowser(PUBLIC, { 'x-forwarded-proto': 'https' });
      browser.via = formApp.url;
      const trace = await signIn(browser, 'work');
      expect(trace.authorizeURL.searchParams.get('response_mode')).to.equal('form_post');
      expect(trace.authorizeURL.searchParams.get('redirect_uri')).to.equal(
        `${PUBLIC}/login/callback`,
      );
      const cookie = trace.start.setCookie[0] ?? '';
      expect(cookie).to.match(/^__Host-sid=/);
      expect(cookie).to.match(/; Secure/i);
      expect(cookie).to.match(/; SameSite=None/i);
      expect(trace.emulator.kind).to.equal('form_post');
      expect(trace.callbackURL).to.equal(`${PUBLIC}/login/callback`);
      expect(trace.callback.status).to.equal(303);
      expect(trace.callback.location).to.equal('/profile');
      const page = await browser.get('/profile');
      expect(page.status).to.equal(200);
      expect(byId(page.body, 'display-name')).to.equal('Adele Vance');
      expect(page.headers['strict-transport-security']).to.match(/max-age=\d+/);
      expect(page.headers['content-security-policy']).to.include('upgrade-insecure-requests');
    });

    it('a cancelled form_post sign-in shows the friendly error page', async () => {
      const browser = new TestBrowser(PUBLIC, { 'x-forwarded-proto': 'https' });
      browser.via = formApp.url;
      const trace = await signIn(browser, { cancel: true });
      expect(trace.emulator.kind).to.equal('form_post');
      expect(
        trace.emulator.kind === 'form_post' && trace.emulator.fields['error_subcode'],
      ).to.equal('cancel');
      expect(trace.callback.status).to.equal(401);
      expect(trace.callback.body).to.include('<h1>Sign-in was cancelled</h1>');
      expect(byId(trace.callback.body, 'error-code')).to.equal('access_denied');
    });
  });
});
