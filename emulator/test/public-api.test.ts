/**
 * One public API: `src/index.ts` is the only list of what the package exports; the ESM entry
 * re-exports it whole. Both entries are loaded as Node.js loads them (ESM `import`, CommonJS
 * `require`) and must offer the same names and the same objects; the README names every export.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as cjs from '../src/index.js';
import type * as esm from '../src/index.mjs';

const PACKAGE_DIR = join(__dirname, '..');

/** The type-level half: both entries offer the same values with the same types. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: Same<typeof esm, typeof cjs> = true;

/**
 * The value names of each entry as Node.js loads it, read in a child process (tsx as loader). The
 * child collects no coverage: tsx's ESM loader records sources that c8 cannot map to files.
 */
function entryNames(): { esm: string[]; cjs: string[]; shared: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-api-'));
  const script = join(dir, 'entries.mjs');
  const src = (file: string): string =>
    JSON.stringify(pathToFileURL(join(PACKAGE_DIR, 'src', file)).href);
  writeFileSync(
    script,
    `import * as esm from ${src('index.mts')};
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)(new URL(${src('index.ts')}).pathname);
    const names = (m) => Object.keys(m).filter((n) => n !== '__esModule' && n !== 'default').sort();
    // tsx compiles the two entries' functions separately; objects must be the same ones.
    const shared = names(cjs).every((n) =>
      typeof cjs[n] === 'function' ? typeof esm[n] === 'function' : esm[n] === cjs[n]);
    console.log(JSON.stringify({ esm: names(esm), cjs: names(cjs), shared }));`,
  );
  try {
    // Node.js passes NODE_V8_COVERAGE on to children unless the env names it: empty turns it off.
    const env = { ...process.env, NODE_V8_COVERAGE: '' };
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
      env,
    });
    return JSON.parse(out) as { esm: string[]; cjs: string[]; shared: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('emulator: public API', function () {
  this.timeout(30_000);

  it('the ESM entry exports exactly the CommonJS entry, the same objects', () => {
    const names = entryNames();
    expect(sameTypes).to.equal(true);
    expect(names.cjs).to.deep.equal(Object.keys(cjs).sort());
    expect(names.esm).to.deep.equal(names.cjs);
    expect(names.shared).to.equal(true);
    expect(names.cjs).to.include.members(['startEmulator', 'DEMO_API', 'DEMO_DAEMON_CLIENT']);
  });

  it('the README names every value export', () => {
    const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
    const missing = Object.keys(cjs).filter((name) => !readme.includes(`\`${name}`));
    expect(missing).to.deep.equal([]);
  });
});
