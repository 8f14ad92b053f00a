// Packs the package and the workspace package microsoft-identity-emulator, installs both tarballs
// into an empty folder, and uses them the way users do: require() (CommonJS), import (ESM),
// TypeScript with moduleResolution node16 and bundler, and the emulator's bin.
import { execFileSync, spawn } from 'node:child_process';
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
  if (paths.some((p) => p.startsWith('dist/emulator/')))
    throw new Error('the emulator must not ship in passport-microsoft-account');
  console.log(`packed ${filename}: ${paths.length} files`);

  // npm pack runs the emulator's prepack, which builds its dist/.
  const emulatorPacked = JSON.parse(
    run(
      'npm',
      ['pack', '--json', '--pack-destination', work, '--workspace', 'microsoft-identity-emulator'],
      root,
    ),
  );
  const emulatorFilename = emulatorPacked[0].filename;
  const emulatorPaths = emulatorPacked[0].files.map((f) => f.path);
  const emulatorStray = emulatorPaths.filter(
    (p) =>
      !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(p) ||
      p.endsWith('.map') ||
      p.includes('.test.'),
  );
  if (emulatorStray.length > 0)
    throw new Error(`unexpected files in the emulator tarball: ${emulatorStray.join(', ')}`);
  for (const needed of ['dist/index.js', 'dist/index.mjs', 'dist/cli.js', 'README.md', 'LICENSE'])
    if (!emulatorPaths.includes(needed))
      throw new Error(`${needed} is missing from the emulator tarball`);
  console.log(`packed ${emulatorFilename}: ${emulatorPaths.length} files`);

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
    join(work, emulatorFilename),
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
const { startEmulator } = require('microsoft-identity-emulator');
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
import { startEmulator, DEFAULT_CLIENT } from 'microsoft-identity-emulator';
assert.strictEqual(Strategy, Named);
assert.strictEqual(createRequire(import.meta.url)('microsoft-identity-emulator').DEFAULT_CLIENT, DEFAULT_CLIENT, 'one emulator module for import and require');
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
import { startEmulator, DEFAULT_CLIENT } from 'microsoft-identity-emulator';
import type { EmulatorOptions } from 'microsoft-identity-emulator';
const emulatorOptions: EmulatorOptions = { clients: [DEFAULT_CLIENT], latencyMs: 0 };
passport.use(new Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: '/login/callback' }, (accessToken, refreshToken, profile, done) => {
  const email: string | undefined = profile.emails?.[0]?.value;
  const kind: 'personal' | 'work' | 'customer' | undefined = profile.accountType;
  void [accessToken, refreshToken, email, kind];
  done(null, { id: profile.id });
}));
void [startEmulator, emulatorOptions];
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
  await checkEmulatorBin(join(work, 'node_modules', '.bin', 'microsoft-identity-emulator'));
  console.log('npx microsoft-identity-emulator: ok');

  // Scoped packages sit one level down: node_modules/@types/<name>.
  if (readdirSync(join(work, 'node_modules', '@types')).includes('passport-microsoft'))
    throw new Error('@types/passport-microsoft must not be needed');
  console.log('pack-and-install: ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Starts the installed emulator bin on a free port, waits for its URL, then stops it with SIGTERM. */
function checkEmulatorBin(bin) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [], { env: { ...process.env, PORT: '0', EMULATOR_LOG: '0' } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator bin printed no URL within 20 s: ${out}`));
    }, 20_000);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString('utf8');
      if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) child.kill('SIGTERM');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && out.includes('listening on')) resolvePromise();
      else reject(new Error(`the emulator bin exited with ${String(code)}: ${out}`));
    });
  });
}
