// The install paths users take, tried on a fresh clone of this working tree:
//   1. a fresh clone: `npm ci` runs `prepare`, which builds dist/ (the library and the emulator);
//   2. `npm pack` (its `prepack` builds) gives tarballs with dist/, no source maps and no
//      sourceMappingURL comments, for passport-microsoft-account and microsoft-identity-emulator;
//   3. the tarballs installed into an empty folder: require() (CommonJS), import (ESM), the
//      emulator's bin, and TypeScript with moduleResolution node10, node16 and bundler resolving
//      every entry point of both exports maps; then the consumer type-check matrix: @types/node
//      20, 22, 24 and latest (each installed once into a folder of its own) times moduleResolution
//      node10, node16 (a CommonJS and an ES module file) and bundler, with strict and
//      skipLibCheck false, type-checking a typical use and an import of every public name of both
//      packages (read from the installed declarations of both entries, so the list stays in step);
//   4. `npm install git+file://<clone>` (what `npm install github:owner/repo` does: npm clones,
//      installs the devDependencies, runs `prepare` and packs) into another empty folder;
//   5. `npm install <folder>` of the clone (a symlink) and `npm install --install-links <folder>`
//      (a packed copy); both need `npm ci` to have run in the folder, as step 1 did.
// Each step prints one line. Set PACK_TEST_KEEP=1 to keep the temporary folder.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'pma-pack-'));
const clone = join(work, 'clone');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];
const LIBRARY = 'passport-microsoft-account';
const EMULATOR = 'microsoft-identity-emulator';
/** The @types/node versions consumers type-check against (dist-tags or majors). */
const TYPES_NODE = ['20', '22', '24', 'latest'];

const execOptions = (cwd) => ({
  cwd,
  encoding: 'utf8',
  env: { ...process.env, npm_config_loglevel: 'error' },
});
const run = (cmd, args, cwd = work) =>
  execFileSync(cmd, args, { ...execOptions(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
const runAsync = (cmd, args, cwd = work) => promisify(execFile)(cmd, args, execOptions(cwd));

async function step(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''} (${seconds} s)`);
  } catch (err) {
    console.log(`FAIL ${name}`);
    if (err.stdout) console.error(String(err.stdout));
    if (err.stderr) console.error(String(err.stderr));
    throw err;
  }
}

/**
 * [label, compiler options, importing file, resolution mode (the importer's format: `require` is
 * CommonJS, `import` ESNext)] for ts.resolveModuleName.
 */
const RESOLUTION_MODES = [
  ['node10', { module: 'CommonJS', moduleResolution: 'Node10' }, 'index.ts', undefined],
  ['node16 from CJS', { module: 'Node16', moduleResolution: 'Node16' }, 'index.cts', 'CommonJS'],
  ['node16 from ESM', { module: 'Node16', moduleResolution: 'Node16' }, 'index.mts', 'ESNext'],
  ['bundler', { module: 'Preserve', moduleResolution: 'Bundler' }, 'index.ts', 'ESNext'],
];

const CJS_CHECK = `
const assert = require('node:assert');
const Strategy = require('passport-microsoft-account');
assert.strictEqual(typeof Strategy, 'function');
assert.strictEqual(Strategy.Strategy, Strategy);
assert.strictEqual(Strategy.default, Strategy);
for (const name of ['MicrosoftAuthorizationError', 'MicrosoftTokenError', 'MicrosoftGraphError', 'MicrosoftHttpError', 'MicrosoftIdTokenError', 'MicrosoftProfileError', 'MicrosoftStateError']) {
  assert.strictEqual(typeof Strategy[name], 'function', name);
}
const s = new Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: 'http://localhost/cb' }, () => {});
assert.strictEqual(s.name, 'microsoft');
assert.strictEqual(require('passport-microsoft-account/package.json').name, 'passport-microsoft-account');
const { startEmulator } = require('microsoft-identity-emulator');
startEmulator().then(async (em) => { assert.match(em.url, /^http:\\/\\/127\\.0\\.0\\.1:\\d+$/); await em.close(); console.log('Strategy, errors, startEmulator'); });
`;

const ESM_CHECK = `
import assert from 'node:assert';
import Strategy, { Strategy as Named, MicrosoftIdTokenError } from 'passport-microsoft-account';
import Required from 'passport-microsoft-account';
import { createRequire } from 'node:module';
import { startEmulator, DEFAULT_CLIENT } from 'microsoft-identity-emulator';
assert.strictEqual(Strategy, Named);
assert.strictEqual(createRequire(import.meta.url)('microsoft-identity-emulator').DEFAULT_CLIENT, DEFAULT_CLIENT, 'one emulator module for import and require');
assert.strictEqual(createRequire(import.meta.url)('passport-microsoft-account'), Required, 'import and require share one class');
assert.strictEqual(typeof MicrosoftIdTokenError, 'function');
const esm = await import('passport-microsoft-account');
const cjs = createRequire(import.meta.url)('passport-microsoft-account');
for (const name of Object.keys(esm)) if (name !== 'default') assert.strictEqual(cjs[name], esm[name], \`require() lacks \${name}\`);
const em = await startEmulator();
await em.close();
console.log(\`\${Object.keys(esm).length} exports shared with require(), startEmulator\`);
`;

const LIBRARY_ONLY_CJS = `
const assert = require('node:assert');
const Strategy = require('passport-microsoft-account');
assert.strictEqual(Strategy.Strategy, Strategy);
const s = new Strategy({ clientID: 'id', clientSecret: 'secret', callbackURL: 'http://localhost/cb' }, () => {});
assert.strictEqual(s.name, 'microsoft');
console.log('require(): ok');
`;

const LIBRARY_ONLY_ESM = `
import assert from 'node:assert';
import Strategy, { MicrosoftIdTokenError } from 'passport-microsoft-account';
assert.strictEqual(typeof Strategy, 'function');
assert.strictEqual(typeof MicrosoftIdTokenError, 'function');
console.log('import: ok');
`;

const TS_SOURCE = `
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

try {
  await step('fresh clone of the working tree', () => {
    const listed = run('git', ['ls-files', '-z', '-co', '--exclude-standard'], root)
      .split('\0')
      .filter(
        (p) => p !== '' && existsSync(join(root, p)) && !lstatSync(join(root, p)).isDirectory(),
      );
    for (const p of listed) {
      mkdirSync(dirname(join(clone, p)), { recursive: true });
      cpSync(join(root, p), join(clone, p));
    }
    run('git', ['init', '-q', '-b', 'main'], clone);
    run('git', ['add', '-A'], clone);
    run(
      'git',
      [
        '-c',
        'user.name=pack-test',
        '-c',
        'user.email=pack-test@localhost',
        'commit',
        '-qm',
        'snapshot',
      ],
      clone,
    );
    return `${listed.length} files in ${relative(work, clone)}/`;
  });

  await step('npm ci in the clone builds dist/ through prepare', () => {
    run('npm', ['ci', ...NPM_FLAGS], clone);
    const needed = [
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/index.d.mts',
      'emulator/dist/index.js',
      'emulator/dist/cli.js',
    ];
    const missing = needed.filter((p) => !existsSync(join(clone, p)));
    if (missing.length > 0) throw new Error(`npm ci did not build ${missing.join(', ')}`);
    return needed.join(', ');
  });

  const tarballs = {};
  for (const [name, args] of [
    [LIBRARY, []],
    [EMULATOR, ['--workspace', EMULATOR]],
  ]) {
    await step(`npm pack ${name}`, () => {
      const packed = JSON.parse(
        run('npm', ['pack', '--json', '--pack-destination', work, ...args], clone),
      );
      const { filename, files } = packed[0];
      const paths = files.map((f) => f.path);
      const stray = paths.filter(
        (p) =>
          !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(p) ||
          p.endsWith('.map') ||
          p.includes('.test.'),
      );
      if (stray.length > 0) throw new Error(`unexpected files in the tarball: ${stray.join(', ')}`);
      if (name === LIBRARY && paths.some((p) => p.startsWith('dist/emulator/')))
        throw new Error('the emulator must not ship in passport-microsoft-account');
      const manifest = JSON.parse(
        readFileSync(join(clone, args.length ? 'emulator' : '', 'package.json'), 'utf8'),
      );
      const targets = [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})];
      for (const target of [...targets.map((t) => t.replace(/^\.\//, '')), 'README.md', 'LICENSE'])
        if (!paths.includes(target)) throw new Error(`${target} is missing from ${filename}`);
      tarballs[name] = join(work, filename);
      return `${filename}, ${paths.length} files, every exports/bin target inside`;
    });
  }

  const consumer = join(work, 'consumer');
  const tsVersion = JSON.parse(
    run('node', ['-p', 'JSON.stringify(require("typescript/package.json").version)'], root),
  );
  await step('npm install of both tarballs into an empty folder', () => {
    emptyProject(consumer);
    run(
      'npm',
      [
        'install',
        ...NPM_FLAGS,
        tarballs[LIBRARY],
        tarballs[EMULATOR],
        'passport@0.7',
        `typescript@${tsVersion}`,
        '@types/node@20',
        '@types/passport@1',
        '@types/express@5',
      ],
      consumer,
    );
    // Scoped packages sit one level down: node_modules/@types/<name>.
    if (readdirSync(join(consumer, 'node_modules', '@types')).includes('passport-microsoft'))
      throw new Error('@types/passport-microsoft must not be needed');
    return `typescript@${tsVersion}`;
  });

  await step('no source maps and no sourceMappingURL comments in the installed packages', () => {
    let checked = 0;
    for (const name of [LIBRARY, EMULATOR]) {
      for (const file of walk(join(consumer, 'node_modules', name, 'dist'))) {
        if (file.endsWith('.map')) throw new Error(`${file} should not ship`);
        if (/sourceMappingURL=/.test(readFileSync(file, 'utf8')))
          throw new Error(`${file} refers to a source map that does not ship`);
        checked += 1;
      }
    }
    return `${checked} files`;
  });

  await step('require() of both packages (CommonJS)', () => {
    writeFileSync(join(consumer, 'cjs.cjs'), CJS_CHECK);
    return run('node', ['cjs.cjs'], consumer).trim();
  });
  await step('import of both packages (ESM)', () => {
    writeFileSync(join(consumer, 'esm.mjs'), ESM_CHECK);
    return run('node', ['esm.mjs'], consumer).trim();
  });

  await step(
    'TypeScript resolves every entry point (node10, node16 from CJS and ESM, bundler)',
    () => {
      const ts = createRequire(join(consumer, 'package.json'))('typescript');
      const rows = [];
      for (const name of [LIBRARY, EMULATOR]) {
        const manifest = JSON.parse(
          readFileSync(join(consumer, 'node_modules', name, 'package.json'), 'utf8'),
        );
        for (const subpath of Object.keys(manifest.exports)) {
          const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
          for (const [mode, options, importer, importMode] of RESOLUTION_MODES) {
            const { resolvedModule } = ts.resolveModuleName(
              specifier,
              join(consumer, importer),
              {
                module: ts.ModuleKind[options.module],
                moduleResolution: ts.ModuleResolutionKind[options.moduleResolution],
                resolveJsonModule: true,
              },
              ts.sys,
              undefined,
              undefined,
              importMode && ts.ModuleKind[importMode],
            );
            const file = resolvedModule?.resolvedFileName;
            if (!file || !/\.(d\.ts|d\.mts|d\.cts|json)$/.test(file))
              throw new Error(
                `${specifier} does not resolve to types under ${mode}: ${file ?? 'nothing'}`,
              );
            rows.push(`${specifier} [${mode}] → ${relative(join(consumer, 'node_modules'), file)}`);
          }
        }
      }
      for (const row of rows) console.log(`       ${row}`);
      return `${rows.length} resolutions`;
    },
  );

  const typesNode = {};
  await step(`@types/node ${TYPES_NODE.join(', ')}, each installed once into its own folder`, () =>
    Promise.all(
      TYPES_NODE.map(async (tag) => {
        const dir = join(work, 'types-node', tag);
        emptyProject(dir);
        await runAsync('npm', ['install', ...NPM_FLAGS, `@types/node@${tag}`], dir);
        const typeRoot = join(dir, 'node_modules', '@types');
        const { version } = JSON.parse(
          readFileSync(join(typeRoot, 'node', 'package.json'), 'utf8'),
        );
        typesNode[tag] = { typeRoot, version };
        return `${tag} → ${version}`;
      }),
    ).then((rows) => rows.join(', ')),
  );

  let everyName;
  await step('public names of both packages, read from the declarations of both entries', () => {
    everyName = publicNames(consumer, [LIBRARY, EMULATOR]);
    return Object.entries(everyName)
      .map(([name, names]) => `${name} ${names.length}`)
      .join(', ');
  });

  await step(
    `consumer type-check matrix: @types/node ${TYPES_NODE.join('/')} × node10/node16/bundler`,
    async () => {
      const jobs = [];
      for (const tag of TYPES_NODE)
        for (const [mode, options] of [
          ['node10', { module: 'commonjs', moduleResolution: 'node10' }],
          ['node16', { module: 'node16', moduleResolution: 'node16' }],
          ['bundler', { module: 'preserve', moduleResolution: 'bundler' }],
        ])
          jobs.push({ tag, mode, options });
      const rows = await inPool(jobs, async ({ tag, mode, options }) => {
        const dir = join(consumer, `ts-${mode}-node-${tag}`);
        const files = consumerFiles(mode, everyName);
        mkdirSync(dir);
        for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
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
              // This @types/node only: type references (`/// <reference types="node" />` in
              // @types/express too) resolve through typeRoots before node_modules.
              typeRoots: [typesNode[tag].typeRoot],
              types: ['node'],
            },
            files: Object.keys(files),
          }),
        );
        try {
          await runAsync(join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', dir], consumer);
        } catch (err) {
          throw new Error(
            `@types/node ${typesNode[tag].version}, ${mode}: ${String(err.stdout ?? err)}`,
            { cause: err },
          );
        }
        return `@types/node ${typesNode[tag].version} ${mode}: ${Object.keys(files).join(', ')}`;
      });
      for (const row of rows) console.log(`       ${row}`);
      return `${rows.length} configurations, skipLibCheck false, strict`;
    },
  );

  await step('npx microsoft-identity-emulator (the installed bin) starts and stops', async () => {
    await checkEmulatorBin(join(consumer, 'node_modules', '.bin', EMULATOR));
  });

  const gitApp = join(work, 'from-git');
  await step(`npm install git+file://…/clone (as npm install github:owner/repo)`, () => {
    emptyProject(gitApp);
    run('npm', ['install', ...NPM_FLAGS, `git+${pathToFileURL(clone).href}`], gitApp);
    const installed = join(gitApp, 'node_modules', LIBRARY);
    const entries = readdirSync(installed).sort();
    if (!entries.includes('dist') || entries.includes('lib') || entries.includes('node_modules'))
      throw new Error(`the git install holds ${entries.join(', ')}`);
    writeFileSync(join(gitApp, 'cjs.cjs'), LIBRARY_ONLY_CJS);
    writeFileSync(join(gitApp, 'esm.mjs'), LIBRARY_ONLY_ESM);
    return `${entries.join(' ')}; ${run('node', ['cjs.cjs'], gitApp).trim()}; ${run('node', ['esm.mjs'], gitApp).trim()}`;
  });

  for (const [label, extra] of [
    ['npm install <folder> of the clone (a symlink)', []],
    ['npm install --install-links <folder> of the clone (a packed copy)', ['--install-links']],
  ]) {
    await step(label, () => {
      const app = join(work, extra.length ? 'from-folder-copy' : 'from-folder-link');
      emptyProject(app);
      run('npm', ['install', ...NPM_FLAGS, ...extra, clone], app);
      const linked = lstatSync(join(app, 'node_modules', LIBRARY)).isSymbolicLink();
      if (linked !== (extra.length === 0))
        throw new Error(`unexpected install shape (symlink: ${linked})`);
      writeFileSync(join(app, 'cjs.cjs'), LIBRARY_ONLY_CJS);
      writeFileSync(join(app, 'esm.mjs'), LIBRARY_ONLY_ESM);
      return `${run('node', ['cjs.cjs'], app).trim()}; ${run('node', ['esm.mjs'], app).trim()}`;
    });
  }
  console.log('pack-and-install: ok');
} finally {
  if (process.env['PACK_TEST_KEEP']) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** Every file target of an exports map (conditions nested at any depth). */
function exportTargets(exportsField) {
  if (typeof exportsField === 'string') return [exportsField];
  if (exportsField === null || typeof exportsField !== 'object') return [];
  return Object.values(exportsField).flatMap(exportTargets);
}

/** Every file below `dir`. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function emptyProject(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }),
  );
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

/**
 * Every exported name of each package (types and values, `default` aside): the union of what its
 * ES module declarations export and what its CommonJS declarations do (the `export =` namespace's
 * types and the exported value's properties), read with the consumer's TypeScript.
 */
function publicNames(consumerDir, packages) {
  const ts = createRequire(join(consumerDir, 'package.json'))('typescript');
  const out = {};
  for (const name of packages) {
    const dist = join(consumerDir, 'node_modules', name, 'dist');
    const entries = [join(dist, 'index.d.mts'), join(dist, 'index.d.ts')];
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      noEmit: true,
      types: [],
    });
    const checker = program.getTypeChecker();
    const names = new Set();
    for (const entry of entries) {
      const file = program.getSourceFile(entry);
      const moduleSymbol = file && checker.getSymbolAtLocation(file);
      if (!moduleSymbol) throw new Error(`${entry} is not a module`);
      for (const symbol of checker.getExportsOfModule(moduleSymbol)) names.add(symbol.name);
      const exportEquals = moduleSymbol.exports?.get('export=');
      if (exportEquals) {
        const value = checker.getTypeOfSymbol(checker.getAliasedSymbol(exportEquals));
        for (const property of value.getProperties()) names.add(property.name);
      }
    }
    for (const skipped of ['default', 'prototype']) names.delete(skipped);
    out[name] = [...names].sort();
  }
  return out;
}

/**
 * The consumer's files for one module resolution: a typical use, and one `import type` of every
 * public name of each package, from a CommonJS file (node10, and node16's .cts) and from an ES
 * module (node16's .mts, bundler).
 */
function consumerFiles(mode, everyName) {
  const everything = Object.fromEntries(
    Object.entries(everyName).map(([name, names]) => [
      name,
      `import type {\n  ${names.join(',\n  ')},\n} from '${name}';\n`,
    ]),
  );
  // One file per package: both export CONSUMER_TENANT_ID, for one.
  const named = (extension) =>
    Object.fromEntries(
      Object.entries(everything).map(([name, text]) => [`every-name-${name}.${extension}`, text]),
    );
  const commonJs = TS_SOURCE.replace(
    "import passport from 'passport';",
    "import passport = require('passport');",
  );
  if (mode !== 'node16') return { 'index.ts': TS_SOURCE, ...named('ts') };
  return { 'index.mts': TS_SOURCE, 'index.cts': commonJs, ...named('mts'), ...named('cts') };
}

/**
 * Runs `work(job)` for every job, as many at a time as the machine has cores; resolves with the
 * results in order, or rejects after all ran with every failure's message.
 */
async function inPool(jobs, work) {
  const results = new Array(jobs.length);
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        results[i] = await work(jobs[i]);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs.length, availableParallelism()) }, worker));
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return results;
}
