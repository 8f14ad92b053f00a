// Runs the test suite on other Node.js majors (default 22 and 24) using Node builds published on
// the npm registry (node-<platform>-<arch> packages), so no other download source is needed.
// Usage: node scripts/node-matrix.mjs [22 24 …]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['22', '24'];
const pkg = `node-${process.platform}-${process.arch}`;
const dir = join(tmpdir(), 'pma-node-matrix');
mkdirSync(dir, { recursive: true });
let failed = false;
for (const major of majors) {
  const alias = `node${major}`;
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      dir,
      `${alias}@npm:${pkg}@${major}`,
    ],
    { stdio: 'inherit' },
  );
  const bin = join(dir, 'node_modules', alias, 'bin');
  const version = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n== tests on Node.js ${version}`);
  const run = spawnSync('npx', ['mocha', 'test/**/*.test.ts', 'emulator/test/**/*.test.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
