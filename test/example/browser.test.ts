/**
 * The whole sample-app flow in headless Chromium (Debian `chromium`, driven by playwright-core):
 * home → Sign in → pick the personal account on the emulator page → "It Works!" → sign out → home;
 * the API page (GET /api/tasks with the user's token, then the 403 of a missing scope); and the
 * cancel path. At 1280×900 it regenerates the documentation's screenshots,
 * docs/account-picker.png and docs/it-works.png, and writes the others to test/artifacts/.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { startApp } from './helpers.js';
import type { RunningApp } from './helpers.js';
import { launchChromium, requireChromium } from '../helpers/chromium.js';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const DOCS = path.resolve(__dirname, '../../docs');
export const SCREENSHOT = path.join(DOCS, 'it-works.png');
export const PICKER_SCREENSHOT = path.join(DOCS, 'account-picker.png');
const STEP_TIMEOUT = 10_000;

describe('sample app in a browser', function () {
  this.timeout(30_000);
  let emulator: Emulator | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  /** Content-Security-Policy violations, page errors and 404 answers (a missing favicon…) seen. */
  let problems: string[] = [];
  let base = '';

  before(async function () {
    requireChromium(this);
    emulator = await startEmulator();
    // Browsers reach the app as http://localhost:<port> (like `npm start`); the emulator stays on
    // 127.0.0.1, so Microsoft is another site, as in real life.
    app = await startApp(emulator, { localhost: true });
    base = app.baseURL;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    problems = [];
    context = await browser?.newContext({ viewport: { width: 1280, height: 900 } });
    context?.setDefaultTimeout(STEP_TIMEOUT);
  });
  afterEach(async () => {
    await context?.close();
  });

  async function openHome(): Promise<Page> {
    if (!context) throw new Error('no browser context');
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('response', (res) => {
      if (res.status() === 404) problems.push(`404 ${res.url()}`);
    });
    await page.goto(`${base}/`);
    expect(await page.textContent('h1')).to.equal('Sign in with Microsoft');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'home.png') });
    return page;
  }

  it('home → Sign in → personal account → "It Works!" → sign out → home', async () => {
    const page = await openHome();
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulator?.url}/common/oauth2/v2.0/authorize`)),
      page.click('#sign-in'),
    ]);
    expect(await page.textContent('h1')).to.equal('Pick an account');
    expect(await page.textContent('main > p')).to.equal('to continue to Sample app');
    // Every address shows in full: none is cut off at 1280 px.
    const cut = await page.evaluate<Array<string | null>>(
      "[...document.querySelectorAll('.username')].filter((s) => s.scrollWidth > s.clientWidth || s.getBoundingClientRect().right > document.querySelector('main').getBoundingClientRect().right).map((s) => s.textContent)",
    );
    expect(cut).to.deep.equal([]);
    expect(await page.textContent('li[data-account="no-email"] .username')).to.equal(
      'kiosk01@contoso.onmicrosoft.com',
    );
    // The photo is drawn: a real image, not a broken one.
    expect(
      await page.evaluate<number>(
        'document.querySelector(\'li[data-account="personal"] img.avatar\').naturalWidth',
      ),
    ).to.equal(96);
    await page.screenshot({ path: PICKER_SCREENSHOT });

    await Promise.all([
      page.waitForURL(`${base}/profile`),
      page.click('li[data-account="personal"] button'),
    ]);
    expect(await page.textContent('h1')).to.equal('It Works!');
    expect(await page.textContent('#display-name')).to.equal('Avery Howard');
    expect(await page.textContent('#email')).to.equal('avery.howard@outlook.com');
    expect(await page.textContent('#email-verified')).to.equal('verified');
    expect(await page.textContent('#account-type')).to.equal('Personal Microsoft account');
    // The data: photo loaded and the style sheet applied: the CSP allows both.
    expect(
      await page.evaluate<number>("document.getElementById('photo').naturalWidth"),
    ).to.be.greaterThan(0);
    expect(
      await page.evaluate<string>("getComputedStyle(document.querySelector('h1')).color"),
    ).to.equal('rgb(16, 124, 16)');
    // The raw profile stays folded: it holds the emulator's port and the token times.
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).to.be.greaterThan(10_000);
    expect(await page.isVisible('#raw-profile')).to.equal(false);
    await page.click('details summary');
    expect(await page.textContent('#raw-profile')).to.include('"provider": "microsoft"');

    const cookies = await context?.cookies(base);
    const sid = cookies?.find((c) => c.name === 'sid');
    expect(sid?.httpOnly).to.equal(true);
    expect(sid?.sameSite).to.equal('Lax');

    // Sign out: POST /logout → Microsoft's logout endpoint → back to the home page, which says so.
    await Promise.all([page.waitForURL(`${base}/?state=signed-out`), page.click('#sign-out')]);
    expect(await page.textContent('h1')).to.equal('Sign in with Microsoft');
    expect(await page.textContent('#signed-out')).to.equal(
      'You signed out. Sign in again whenever you like.',
    );
    expect((await context?.cookies(base))?.some((c) => c.name === 'sid')).to.equal(false);
    await page.goto(`${base}/profile`);
    expect(page.url().startsWith(`${emulator?.url}/common/oauth2/v2.0/authorize`)).to.equal(true);
    expect(problems).to.deep.equal([]);
  });

  it('signed in: the API page calls GET /api/tasks with the user token, and shows the 403 reason', async () => {
    const page = await openHome();
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulator?.url}/`)),
      page.click('#sign-in'),
    ]);
    await Promise.all([
      page.waitForURL(`${base}/profile`),
      page.click('li[data-account="work"] button'),
    ]);
    await Promise.all([page.waitForURL(`${base}/tasks`), page.click('#api-page')]);
    expect(await page.textContent('h1')).to.equal('Call the API');

    await Promise.all([page.waitForURL(`${base}/tasks?call=read`), page.click('#call-read')]);
    expect(await page.textContent('#api-status')).to.equal('200');
    const answer = JSON.parse((await page.textContent('#api-body')) ?? '') as {
      caller: { kind: string; username: string; scopes: string[] };
    };
    expect(answer.caller).to.deep.include({ kind: 'user', username: 'AdeleV@contoso.com' });
    expect(answer.caller.scopes).to.deep.equal(['Tasks.Read']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-call.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${base}/tasks?call=write`), page.click('#call-write')]);
    expect(await page.textContent('#api-status')).to.equal('403');
    expect(await page.textContent('#api-error')).to.equal('insufficient_scope');
    expect(await page.textContent('#api-scope')).to.equal('Tasks.Write');
    expect(await page.textContent('#api-error-description')).to.match(/Tasks\.Write/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-403.png'), fullPage: true });
    // Neither token reaches the page.
    expect(await page.content()).not.to.match(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(problems).to.deep.equal([]);
  });

  it('cancel on the Microsoft page → the friendly error page', async () => {
    const page = await openHome();
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulator?.url}/`)),
      page.click('#sign-in'),
    ]);
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${base}/login/callback?error=access_denied`)),
      page.click('#cancel'),
    ]);
    expect(await page.textContent('h1')).to.equal('Sign-in was cancelled');
    expect(await page.textContent('#error-code')).to.equal('access_denied');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-cancelled.png'), fullPage: true });
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulator?.url}/`)),
      page.click('#try-again'),
    ]);
    expect(await page.textContent('h1')).to.equal('Pick an account');
    expect(problems).to.deep.equal([]);
  });
});
