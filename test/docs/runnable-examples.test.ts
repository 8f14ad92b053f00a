/**
 * Every runnable example of README.md, docs/*.md, example/README.md and emulator/README.md runs as
 * written. A runnable example is a block whose first line names its file and run command
 * (`// app.ts: run with \`npx tsx app.ts\`, then open http://localhost:3000`); a block that starts a
 * server or defines tests must be one. Each is saved under its file name in a folder of its own
 * (test/docs/run-example.ts), with the section's `tsconfig.json` when it has one, and then:
 * - web examples are started with their run command, PORT and MICROSOFT_EMULATOR_URL (the emulator
 *   fallback every example has), and headless Chromium signs the work account in and out;
 * - other programs run to their end and must succeed (and print what their header says).
 * The section's `npm install` lines must name every package the example imports, and its runner.
 * The README's complete example is run by readme-example.test.ts, with more checks.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../helpers/chromium.js';
import { startEmulator } from '../helpers/emulator.js';
import type { Emulator } from '../helpers/emulator.js';
import {
  extractBlocks,
  importedPackages,
  looksRunnable,
  readmeExample,
  ROOT,
  runnableExampleFiles,
  runnableExamplesIn,
} from './markdown.js';
import type { RunnableExample } from './markdown.js';
import {
  commandLine,
  exampleEnv,
  exampleFolder,
  freePort,
  installPackage,
  startExample,
  stop,
} from './run-example.js';

const read = (source: string): string => readFileSync(path.join(ROOT, source), 'utf8');
const readmeLine = readmeExample(read('README.md')).line;
const all = runnableExampleFiles().flatMap((source) => runnableExamplesIn(source, read(source)));
const examples = all.filter((e) => !(e.source === 'README.md' && e.line === readmeLine));
const name = (e: RunnableExample): string => `${e.source} line ${e.line}: ${e.file}`;

/** A folder with the example saved under its file name and the package installed. */
async function prepare(example: RunnableExample): Promise<string> {
  const stem = example.file.replace(/\.\w+$/, '');
  const folder = exampleFolder(`docs-${stem}`, example.tsconfig ?? '{}\n');
  try {
    writeFileSync(path.join(folder, example.file), example.code);
    await installPackage(folder);
    return folder;
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    throw err;
  }
}

/** The tool a run command needs installed (`npx tsx …` → tsx), if any. */
function runner(command: string): string | undefined {
  const words = command.split(/\s+/);
  return words[0] === 'npx' ? words[1] : undefined;
}

describe('runnable documentation examples', () => {
  it('there are web examples and programs in the guides and the emulator README', () => {
    expect(all.filter((e) => e.source === 'README.md')).to.have.length(1);
    expect(examples.filter((e) => e.web).length).to.be.at.least(5);
    expect(examples.filter((e) => !e.web).length).to.be.at.least(2);
    expect(examples.map((e) => e.source)).to.include('emulator/README.md');
  });

  for (const source of runnableExampleFiles()) {
    it(`${source}: every block that starts a server or defines tests is a runnable example`, () => {
      const runnable = new Set(runnableExamplesIn(source, read(source)).map((e) => e.line));
      const missing = extractBlocks(read(source))
        .filter((block) => looksRunnable(block.code) && !runnable.has(block.line))
        .map((block) => `line ${block.line} (${block.title})`);
      expect(missing, 'blocks without a "// file: run with `command`" first line').to.deep.equal(
        [],
      );
    });
  }

  for (const example of all) {
    it(`${name(example)}: the install line names what it imports and runs with`, () => {
      const needed = [...importedPackages(example.code), runner(example.command)].filter(
        (p): p is string => p !== undefined && !p.startsWith('@types/'),
      );
      expect(example.installs, 'the section has an npm install line').to.not.deep.equal([]);
      expect(needed.filter((p) => !example.installs.includes(p))).to.deep.equal([]);
      expect(() => commandLine(example.command)).to.not.throw();
    });
  }
});

describe('web examples in the docs sign a user in through the emulator, in Chromium', function () {
  this.timeout(120_000);
  let emulator: Emulator | undefined;
  let browser: Browser | undefined;

  before(async function () {
    requireChromium(this);
    emulator = await startEmulator();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  for (const example of examples.filter((e) => e.web)) {
    it(`${name(example)} (${example.command}): the work account signs in and out`, async () => {
      if (!browser || !emulator) throw new Error('no browser or emulator');
      const folder = await prepare(example);
      const port = await freePort();
      const base = `http://localhost:${port}`;
      let app: ChildProcess | undefined;
      const context = await browser.newContext();
      context.setDefaultTimeout(15_000);
      try {
        const started = await startExample(
          folder,
          { PORT: String(port), MICROSOFT_EMULATOR_URL: emulator.url },
          example.command,
        );
        app = started.child;
        const page = await context.newPage();
        await page.goto(`${base}/`);
        await Promise.all([
          page.waitForURL((u) =>
            u.href.startsWith(`${emulator?.url}/common/oauth2/v2.0/authorize`),
          ),
          page.getByRole('link', { name: 'Sign in with Microsoft' }).click(),
        ]);
        await Promise.all([
          page.waitForURL((u) => u.origin === base && !u.pathname.startsWith('/login')),
          page.click('li[data-account="work"] button'),
        ]);
        expect(await page.textContent('body'), started.output()).to.include(
          'Signed in as Adele Vance',
        );
        await Promise.all([
          page.waitForURL((u) => u.origin === base),
          page.getByRole('button', { name: 'Sign out' }).click(),
        ]);
        await page.getByRole('link', { name: 'Sign in with Microsoft' }).waitFor();
        expect(await page.textContent('body')).to.not.include('Signed in as');
      } finally {
        await context.close();
        await stop(app);
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});

describe('programs in the docs run to their end', function () {
  this.timeout(120_000);

  for (const example of examples.filter((e) => !e.web)) {
    it(`${name(example)} (${example.command}) succeeds`, async () => {
      const folder = await prepare(example);
      try {
        const [program = '', ...args] = commandLine(example.command);
        const { stdout } = await promisify(execFile)(program, args, {
          cwd: folder,
          env: exampleEnv({}),
          timeout: 60_000,
        });
        if (example.prints !== undefined) expect(stdout).to.equal(`${example.prints}\n`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
