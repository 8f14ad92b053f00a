// Packs the package, installs the tarball into an empty folder, and uses it the way users do:
// require() (CommonJS), import (ESM), and TypeScript with moduleResolution node16 and bundler.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'pma-pack-'));
const run = (cmd, args, cwd = work) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  const { filename, files } = packed[0];
  const paths = files.map((f) => f.path);
  const stray = paths.filter(
    (p) =>
      !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(p) ||
      p.endsWith('.map') ||
      p.includes('.test.'),
  );
  if (stray.length > 0) throw new Error(`unexpected files in the tarball: ${stray.join(', ')}`);
  console.log(`packed ${filename}: ${paths.length} files`);

  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }),
  );
  const tsVersion = JSON.parse(
    run('node', ['-p', 'JSON.stringify(require("typescript/package.json").version)'], root),
  );
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    join(work, filename),
    'passport@0.7',
    `typescript@${tsVersion}`,
    '@types/node@20',
    '@types/passport@1',
    '@types/express@5',
  ]);

  writeFileSync(
    join(work, 'cjs.cjs'),
    `
const assert = require('node:assert');
const Strategy = require('passport-microsoft-account');
assert.strictEqual(typeof Strategy, 'function');
assert.strictEqual(Strategy.Strategy, Strategy);
assert.strictEqual(Strategy.default, Strategy);
for (const name of ['MicrosoftAuthorizationError', 'MicrosoftTokenError', 'GraphError', 'MicrosoftHttpError', 'IdTokenError', 'ProfileError', 'StateError']) {
  assert.strictEqual(typeof Strategy[name], 'function', name);
}
const s = new Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: 'http://localhost/cb' }, () => {});
assert.strictEqual(s.name, 'microsoft');
const { startEmulator } = require('passport-microsoft-account/emulator');
startEmulator().then(async (em) => { assert.match(em.url, /^http:\\/\\/127\\.0\\.0\\.1:\\d+$/); await em.close(); console.log('require(): ok'); });
`,
  );
  writeFileSync(
    join(work, 'esm.mjs'),
    `
import assert from 'node:assert';
import Strategy, { Strategy as Named, IdTokenError } from 'passport-microsoft-account';
import Required from 'passport-microsoft-account';
import { createRequire } from 'node:module';
import { startEmulator } from 'passport-microsoft-account/emulator';
assert.strictEqual(Strategy, Named);
assert.strictEqual(createRequire(import.meta.url)('passport-microsoft-account'), Required, 'import and require share one class');
assert.strictEqual(typeof IdTokenError, 'function');
const esm = await import('passport-microsoft-account');
const cjs = createRequire(import.meta.url)('passport-microsoft-account');
for (const name of Object.keys(esm)) if (name !== 'default') assert.strictEqual(cjs[name], esm[name], \`require() lacks \${name}\`);
const em = await startEmulator();
await em.close();
console.log('import: ok');
`,
  );
  run('node', ['cjs.cjs']);
  run('node', ['esm.mjs']);

  const source = `
import passport from 'passport';
import { Strategy } from 'passport-microsoft-account';
import { startEmulator } from 'passport-microsoft-account/emulator';
passport.use(new Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: '/login/callback' }, (accessToken, refreshToken, profile, done) => {
  const email: string | undefined = profile.emails?.[0]?.value;
  const kind: 'personal' | 'work' | undefined = profile.accountType;
  void [accessToken, refreshToken, email, kind];
  done(null, { id: profile.id });
}));
void startEmulator;
`;
  for (const [name, options] of [
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'preserve', moduleResolution: 'bundler' }],
  ]) {
    const dir = join(work, `ts-${name}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.mts'), source);
    writeFileSync(
      join(dir, 'index.cts'),
      source.replace("import passport from 'passport';", "import passport = require('passport');"),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          esModuleInterop: true,
          types: ['node'],
        },
        include: ['*.mts', '*.cts'],
      }),
    );
    run(join(work, 'node_modules', '.bin', 'tsc'), ['-p', dir]);
    console.log(`TypeScript (${name}): ok`);
  }
  // Scoped packages sit one level down: node_modules/@types/<name>.
  if (readdirSync(join(work, 'node_modules', '@types')).includes('passport-microsoft'))
    throw new Error('@types/passport-microsoft must not be needed');
  console.log('pack-and-install: ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}
