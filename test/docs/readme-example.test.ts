/**
 * The README's complete example runs as written: the block after the `<!-- readme-example` comment
 * is written to app.ts in a folder of its own, started with `node --import tsx app.ts` (what
 * `npx tsx app.ts` does), and headless Chromium signs in through it against an emulator this test
 * starts. The only inputs are the environment variables the example itself reads: PORT and
 * MICROSOFT_EMULATOR_URL (the emulator listens on a free port here, not on 4010).
 *
 * How `passport-microsoft-account` resolves from app.ts. The folder is
 * test/artifacts/readme-example-XXXXXX/, inside the repository, so express, express-session,
 * passport and tsx resolve from the repository's node_modules as they would from an app's. The
 * package itself is installed the way npm would: its package.json (with the `exports` map) and a
 * dist/ compiled from lib/ for this run, in the folder's own node_modules. That is the code a user
 * gets, with no dependence on the repository's dist/ being built or fresh. The folder has a
 * package.json of its own, so Node's package self-reference (a file inside this repository
 * importing `passport-microsoft-account` gets the repository's dist/) does not apply, and it has a
 * tsconfig.json of its own, so tsx does not pick up the repository's settings: like an empty folder.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator } from '../helpers/emulator.js';
import type { Emulator } from '../helpers/emulator.js';
import { readmeExample, ROOT } from './markdown.js';
import { launchChromium, requireChromium } from '../helpers/chromium.js';

const STEP_TIMEOUT = 10_000;

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** Installs the package from this repository's sources into `folder`/node_modules. */
async function installPackage(folder: string): Promise<void> {
  const target = path.join(folder, 'node_modules', 'passport-microsoft-account');
  mkdirSync(target, { recursive: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
  const tsc = require.resolve('typescript/bin/tsc');
  const outDir = path.join(target, 'dist');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], ROOT);
}

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

    mkdirSync(path.join(ROOT, 'test', 'artifacts'), { recursive: true });
    folder = mkdtempSync(path.join(ROOT, 'test', 'artifacts', 'readme-example-'));
    writeFileSync(
      path.join(folder, 'package.json'),
      '{ "name": "readme-example", "private": true }\n',
    );
    writeFileSync(path.join(folder, 'tsconfig.json'), '{}\n');
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

/**
 * Starts app.ts in `folder` with `node --import tsx` and the given variables on top of this
 * process's environment, minus anything the example reads (real credentials, a session secret, a
 * port) and the coverage settings. Resolves once GET / answers.
 */
async function startExample(
  folder: string,
  variables: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(MICROSOFT_|NODE_V8_COVERAGE$|SESSION_SECRET$|PORT$)/.test(name)) env[name] = value;
  }
  Object.assign(env, variables);
  const child = spawn(process.execPath, ['--import', 'tsx', 'app.ts'], {
    cwd: folder,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://localhost:${variables['PORT'] ?? ''}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the example exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(url)).ok) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`the example did not answer at ${url} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a started example and waits until it has exited. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
