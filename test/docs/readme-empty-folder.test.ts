/**
 * The README's "Start from an empty folder" path, from a fresh clone to a signed-in user: the
 * repository is cloned (`git clone` of this checkout's HEAD, so commit what you want tested), the
 * Install section's `npm run pack:all` packs both packages there, the empty folder next to the
 * clone gets `npm init -y`, the README's install lines and the complete example as app.ts, the
 * packed emulator's bin (`npx microsoft-identity-emulator`) starts on a free port, `npx tsx app.ts`
 * starts the app, and headless Chromium signs the work account in.
 *
 * Tests never reach the internet, so the registry parts are done the way npm would without it: the
 * clone gets this checkout's node_modules (instead of `npm ci`), the tarballs of the install lines
 * are unpacked into the folder's node_modules/<name> (what npm does with a tarball), and the
 * registry packages of the install lines (express, passport, tsx, ...) must resolve from the
 * folder, which sits in test/artifacts/ so they come from this repository's node_modules.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../helpers/chromium.js';
import { headingLines, installedPackages, readmeExample, ROOT } from './markdown.js';
import { exampleEnv, exampleFolder, freePort, run, startExample, stop } from './run-example.js';

/** The ```sh blocks of one section (by its heading) of a Markdown text. */
function shellOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^#{1,6} ${heading}$`).test(line));
  expect(start, `a "${heading}" heading`).to.be.above(-1);
  const isHeading = headingLines(lines);
  let end = start + 1;
  while (end < lines.length && !isHeading[end]) end++;
  const section = lines.slice(start + 1, end).join('\n');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '').join('');
}

/** The tarball paths of `npm install` lines. */
const tarballsOf = (shell: string): string[] =>
  shell
    .split('\n')
    .filter((line) => /^npm install /.test(line))
    .flatMap((line) => line.split(/\s+/).filter((word) => word.endsWith('.tgz')));

describe("the README's empty-folder steps, from a fresh clone, end with a signed-in user", function () {
  this.timeout(300_000);
  let work: string | undefined;
  const children: ChildProcess[] = [];
  let browser: Browser | undefined;

  before(function () {
    requireChromium(this);
  });

  after(async () => {
    await browser?.close();
    for (const child of children) await stop(child);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('clone, npm run pack:all, npm init, install both tarballs, emulator, npx tsx app.ts, sign in', async () => {
    work = exampleFolder('readme-fresh-clone');
    const clone = path.join(work, 'passport-microsoft-account');
    await run('git', ['clone', '--quiet', ROOT, clone], work, exampleEnv({}));
    const readme = readFileSync(path.join(clone, 'README.md'), 'utf8');

    // Install: `npm ci && npm run pack:all` in the clone (node_modules from this checkout).
    const install = shellOf(readme, 'Install');
    expect(install).to.match(/^cd passport-microsoft-account && npm ci && npm run pack:all$/m);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    await run('npm', ['run', 'pack:all'], clone, exampleEnv({}));

    // Start from an empty folder: next to the clone.
    const steps = shellOf(readme, 'Start from an empty folder');
    const app = path.join(work, 'my-app');
    mkdirSync(app);
    expect(steps.split('\n')[0]).to.equal('npm init -y');
    await run('npm', ['init', '-y'], app, exampleEnv({}));
    writeFileSync(path.join(app, 'app.ts'), readmeExample(readme).code);

    const tarballs = tarballsOf(steps);
    expect(tarballs.map((t) => path.basename(t)).sort()).to.deep.equal([
      `microsoft-identity-emulator-${packageVersion(path.join(clone, 'emulator'))}.tgz`,
      `passport-microsoft-account-${packageVersion(clone)}.tgz`,
    ]);
    for (const tarball of tarballs) {
      const file = path.resolve(app, tarball);
      expect(existsSync(file), `${tarball} was packed`).to.equal(true);
      const name = installedPackages(`npm install ${tarball}`)[0] ?? '';
      const target = path.join(app, 'node_modules', name);
      mkdirSync(target, { recursive: true });
      await run('tar', ['-xzf', file, '-C', target, '--strip-components=1'], app, exampleEnv({}));
    }
    const fromApp = createRequire(path.join(app, 'package.json'));
    for (const name of installedPackages(steps).filter((n) => !n.startsWith('@types/'))) {
      expect(() => fromApp.resolve(`${name}/package.json`), name).to.not.throw();
    }
    // The installed library is the packed one, not this checkout's sources.
    expect(fromApp.resolve('passport-microsoft-account')).to.equal(
      path.join(app, 'node_modules', 'passport-microsoft-account', 'dist', 'index.js'),
    );

    // npx microsoft-identity-emulator (the packed bin), on a free port.
    expect(steps).to.match(/^npx microsoft-identity-emulator\b/m);
    const emulatorURL = await startEmulatorBin(app, children);

    // npx tsx app.ts
    expect(steps).to.match(/^npx tsx app\.ts\b/m);
    const port = await freePort();
    const started = await startExample(app, {
      PORT: String(port),
      MICROSOFT_EMULATOR_URL: emulatorURL,
    });
    children.push(started.child);

    browser = await launchChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const base = `http://localhost:${port}`;
    await page.goto(`${base}/`);
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${emulatorURL}/common/oauth2/v2.0/authorize`)),
      page.getByRole('link', { name: 'Sign in with Microsoft' }).click(),
    ]);
    await Promise.all([page.waitForURL(`${base}/`), page.click('li[data-account="work"] button')]);
    expect(await page.textContent('p'), started.output()).to.equal(
      'Signed in as Adele Vance (AdeleV@contoso.com)',
    );
  });
});

function packageVersion(folder: string): string {
  const json = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    version: string;
  };
  return json.version;
}

/** Starts the installed emulator's bin with PORT=0 and resolves with the URL it prints. */
async function startEmulatorBin(app: string, children: ChildProcess[]): Promise<string> {
  const folder = path.join(app, 'node_modules', 'microsoft-identity-emulator');
  const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const bin = pkg.bin['microsoft-identity-emulator'] ?? '';
  const child = spawn(process.execPath, [path.join(folder, bin)], {
    cwd: app,
    env: exampleEnv({ PORT: '0', EMULATOR_LOG: '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no emulator URL within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code}):\n${output}`));
    });
  });
}
