/**
 * The interop tier's harness: the recipes of emulator/README.md's guide "Test your app's Microsoft
 * sign-in in CI" are the tested code. Each recipe (the TypeScript block under its heading) is
 * written to test/interop/.recipes/ as it stands and run in a child process the way the guide
 * says to run a client: `NODE_EXTRA_CA_CERTS` naming the emulator's CA (Node reads it only at
 * process start) and `EMULATOR_URL` naming the running emulator.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { configOptions } from '../../emulator/src/config-file.js';
import { extractBlocks, ROOT } from '../docs/markdown.js';

export const README = path.join(ROOT, 'emulator', 'README.md');
const OUT_DIR = path.join(__dirname, '.recipes');

/** Generous: a child process loading tsx and a client library on a loaded 2-core machine. */
export const RECIPE_TIMEOUT_MS = 120_000;

/** The first ```ts (or ```js) block under the heading `title` of emulator/README.md. */
export function recipeCode(title: string): { code: string; language: 'ts' | 'js' } {
  const block = extractBlocks(readFileSync(README, 'utf8')).find(
    (b) => b.title === title || b.title === `${title} (#1)`,
  );
  if (block === undefined) throw new Error(`emulator/README.md has no code block under "${title}"`);
  return { code: block.code, language: block.language };
}

/** The first ```json block under the heading `title` of emulator/README.md, parsed. */
export function recipeJson(title: string): unknown {
  const lines = readFileSync(README, 'utf8').split('\n');
  const heading = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s+/, '') === title);
  if (heading < 0) throw new Error(`emulator/README.md has no heading "${title}"`);
  const start = lines.findIndex((l, i) => i > heading && l.trim() === '```json');
  const next = lines.findIndex((l, i) => i > heading && /^#{1,6}\s/.test(l));
  if (start < 0 || (next >= 0 && start > next))
    throw new Error(`emulator/README.md has no json block under "${title}"`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '```');
  return JSON.parse(lines.slice(start + 1, end).join('\n'));
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Runs the recipe under `title` against `emulator` (an https one: its CA goes in
 * `NODE_EXTRA_CA_CERTS`) and resolves with its standard output.
 */
export function runRecipe(
  title: string,
  emulator: Emulator,
  env: Record<string, string> = {},
): Promise<string> {
  const { code, language } = recipeCode(title);
  return runModule(title, code, emulator, env, language);
}

/** Runs `code` (an ES module) as {@link runRecipe} runs a recipe; `name` names it in errors. */
export async function runModule(
  name: string,
  code: string,
  emulator: Emulator,
  env: Record<string, string> = {},
  language: 'ts' | 'js' = 'js',
): Promise<string> {
  const title = name;
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${slug(title)}.${language === 'ts' ? 'mts' : 'mjs'}`);
  writeFileSync(file, code);
  // The child's V8 coverage goes to a folder of its own: c8 cannot map the modules tsx loads
  // for an ES-module entry (Node passes the parent's NODE_V8_COVERAGE on unless env sets it).
  const coverage = mkdtempSync(path.join(os.tmpdir(), 'interop-coverage-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      timeout: RECIPE_TIMEOUT_MS,
      env: {
        ...process.env,
        NODE_V8_COVERAGE: coverage,
        NODE_EXTRA_CA_CERTS: emulator.caCertificatePath ?? '',
        EMULATOR_URL: emulator.url,
        ...env,
      },
    });
    return stdout;
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `recipe "${title}" failed: ${failed.message}\n--- stdout\n${failed.stdout ?? ''}\n--- stderr\n${failed.stderr ?? ''}`,
      { cause: err },
    );
  } finally {
    rmSync(coverage, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
}

/** A CA folder of the test's own (not the user's cache), removed by the returned function. */
export function temporaryCaDirectory(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'interop-ca-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The test certificate and key the daemon recipes register and sign with. */
export const CREDENTIALS = path.join(ROOT, 'test', 'fixtures', 'credentials');

/**
 * Registers mocha hooks that start an https emulator with a CA folder of the test's own and close
 * both after the suite. With `configRecipe`, the emulator reads that README recipe's `--config`
 * file, with the daemon certificate it names copied next to it. Returns a getter: the emulator
 * exists once the hook has run.
 */
export function useHttpsEmulator(configRecipe?: string): () => Emulator {
  let emulator: Emulator | undefined;
  let ca: ReturnType<typeof temporaryCaDirectory> | undefined;
  before(async () => {
    ca = temporaryCaDirectory();
    let config = {};
    if (configRecipe !== undefined) {
      mkdirSync(path.join(ca.dir, 'certs'));
      copyFileSync(
        path.join(CREDENTIALS, 'app-cert.pem'),
        path.join(ca.dir, 'certs', 'daemon-cert.pem'),
      );
      config = configOptions(recipeJson(configRecipe), ca.dir);
    }
    emulator = await startEmulator({ https: { caDirectory: ca.dir }, ...config });
  });
  after(async () => {
    await emulator?.close();
    ca?.remove();
  });
  return () => {
    if (emulator === undefined) throw new Error('the emulator starts in the before hook');
    return emulator;
  };
}
