/**
 * The README's complete example runs as written: the block after the `<!-- readme-example` comment
 * is written to app.ts in a folder of its own, started with `node --import tsx app.ts` (what
 * `npx tsx app.ts` does), and headless Chromium signs in through it against an emulator this test
 * starts. The only inputs are the environment variables the example itself reads: PORT and
 * MICROSOFT_EMULATOR_URL (the emulator listens on a free port here, not on 4010).
 *
 * The folder and the install are test/docs/run-example.ts's (shared with the other examples).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator } from '../helpers/emulator.js';
import type { Emulator } from '../helpers/emulator.js';
import { readmeExample, ROOT } from './markdown.js';
import { launchChromium, requireChromium } from '../helpers/chromium.js';
import { exampleFolder, freePort, installPackage, startExample, stop } from './run-example.js';

const STEP_TIMEOUT = 10_000;

describe('the README example, run as written, signs a user in through the emulator', function () {
  this.timeout(90_000);
  let emulator: Emulator | undefined;
  let folder: string | undefined;
  let app: ChildProcess | undefined;
  let output = (): string => '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let base = '';

  before(async function () {
    requireChromium(this);
    const example = readmeExample(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

    folder = exampleFolder('readme-example');
    writeFileSync(path.join(folder, 'app.ts'), example.code);
    await installPackage(folder);

    emulator = await startEmulator();
    const port = await freePort();
    base = `http://localhost:${port}`;
    const started = await startExample(folder, {
      PORT: String(port),
      MICROSOFT_EMULATOR_URL: emulator.url,
    });
    app = started.child;
    output = started.output;

    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stop(app);
    await emulator?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser?.newContext();
    context?.setDefaultTimeout(STEP_TIMEOUT);
  });

  afterEach(async () => {
    await context?.close();
  });

  async function openHome(): Promise<Page> {
    if (!context) throw new Error('no browser context');
    const page = await context.newPage();
    await page.goto(`${base}/`);
    return page;
  }

  async function goToMicrosoft(page: Page): Promise<void> {
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulator?.url}/common/oauth2/v2.0/authorize`)),
      page.getByRole('link', { name: 'Sign in with Microsoft' }).click(),
    ]);
    expect(await page.textContent('h1')).to.equal('Pick an account');
  }

  it('home → Sign in with Microsoft → the work account → the home page shows the user → Sign out', async () => {
    expect(output()).to.equal(`Open ${base}\n`);
    const page = await openHome();
    await goToMicrosoft(page);
    await Promise.all([page.waitForURL(`${base}/`), page.click('li[data-account="work"] button')]);
    expect(await page.textContent('p')).to.equal('Signed in as Adele Vance (AdeleV@contoso.com)');

    const cookies = await context?.cookies(base);
    const sid = cookies?.find((c) => c.name === 'connect.sid');
    expect(sid?.httpOnly).to.equal(true);
    expect(sid?.secure).to.equal(false);
    expect(sid?.sameSite).to.equal('Lax');

    await Promise.all([
      page.waitForURL(`${base}/`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    expect(await page.getByRole('link', { name: 'Sign in with Microsoft' }).count()).to.equal(1);
  });

  it('a personal account without a Graph mail shows its verified sign-in address', async () => {
    const page = await openHome();
    await goToMicrosoft(page);
    await Promise.all([
      page.waitForURL(`${base}/`),
      page.click('li[data-account="personal"] button'),
    ]);
    expect(await page.textContent('p')).to.equal(
      'Signed in as Avery Howard (avery.howard@outlook.com)',
    );
  });

  it('cancel on the Microsoft page → the failure route', async () => {
    const page = await openHome();
    await goToMicrosoft(page);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/login/failed`),
      page.click('#cancel'),
    ]);
    expect(response.status()).to.equal(401);
    expect(await page.textContent('body')).to.include('Sign-in was cancelled or refused.');
  });

  it("a wrong client secret shows the error's code, message and Microsoft's trace ID, no stack trace", async () => {
    // What Microsoft answers when the secret's ID is used instead of its Value.
    emulator?.setFault(
      'token',
      {
        type: 'respond',
        status: 401,
        json: {
          error: 'invalid_client',
          error_description:
            'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
          error_codes: [7000215],
          trace_id: '0b7d2c6e-1f3a-4c5d-9e8f-7a6b5c4d3e2f',
          correlation_id: '5e4d3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c',
        },
      },
      { times: 1 },
    );
    const page = await openHome();
    await goToMicrosoft(page);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${base}/login/callback`)),
      page.click('li[data-account="work"] button'),
    ]);
    expect(response.status()).to.equal(500);
    expect(await page.textContent('h1')).to.equal('invalid_client');
    const body = (await page.textContent('body')) ?? '';
    expect(body).to.include('AADSTS7000215: Invalid client secret provided.');
    expect(body).to.include('Microsoft trace ID: 0b7d2c6e-1f3a-4c5d-9e8f-7a6b5c4d3e2f');
    expect(body).to.not.match(/\bat \S+ \(|node_modules|\.ts:\d+/);
    expect(output()).to.include('sign-in error: invalid_client');
  });

  it('with MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET set, sends users to Microsoft itself', async () => {
    if (!folder) throw new Error('no folder');
    const port = await freePort();
    const real = await startExample(folder, {
      PORT: String(port),
      MICROSOFT_CLIENT_ID: '00000000-1111-2222-3333-444444444444',
      MICROSOFT_CLIENT_SECRET: 'not a real secret',
    });
    try {
      const res = await fetch(`http://localhost:${port}/login`, { redirect: 'manual' });
      expect(res.status).to.equal(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).to.equal(
        'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      );
      expect(location.searchParams.get('client_id')).to.equal(
        '00000000-1111-2222-3333-444444444444',
      );
      expect(location.searchParams.get('redirect_uri')).to.equal(
        `http://localhost:${port}/login/callback`,
      );
    } finally {
      await stop(real.child);
    }
  });
});
