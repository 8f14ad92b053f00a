/**
 * The package's bin (`npx microsoft-identity-emulator`): the sources are compiled as `npm run build`
 * compiles them, into a folder of their own next to a copy of package.json, and the file that
 * package.json's `bin` names is run with node, as npm runs an installed bin.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CLIENT } from '../src/index.js';
import { json, raw } from './helpers.js';

const PACKAGE_DIR = join(__dirname, '..');
const BIN_NAME = 'microsoft-identity-emulator';

/** Resolves with the first stdout match of `pattern`. */
function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = pattern.exec(out);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`bin exited (${String(code)}) before printing ${String(pattern)}: ${out}`)),
    );
  });
}

describe('emulator: the microsoft-identity-emulator bin', function () {
  this.timeout(60_000);
  let buildDir: string;
  let bin: string;

  before(async () => {
    // Inside the package, so the compiled code resolves jose from node_modules like an install does.
    mkdirSync(join(PACKAGE_DIR, '.build'), { recursive: true });
    buildDir = mkdtempSync(join(PACKAGE_DIR, '.build', 'bin-'));
    await promisify(execFile)(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(PACKAGE_DIR, 'tsconfig.build.json'),
      '--outDir',
      join(buildDir, 'dist'),
    ]);
    copyFileSync(join(PACKAGE_DIR, 'package.json'), join(buildDir, 'package.json'));
    const manifest = JSON.parse(readFileSync(join(buildDir, 'package.json'), 'utf8')) as {
      bin?: Record<string, string>;
    };
    const target = manifest.bin?.[BIN_NAME];
    expect(target, `package.json bin.${BIN_NAME}`).to.be.a('string');
    bin = join(buildDir, target ?? '');
  });

  after(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('is a node script (#!/usr/bin/env node)', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).to.equal('#!/usr/bin/env node');
  });

  it('prints its URL and the demo accounts, serves requests, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, PORT: '0', EMULATOR_LOG: '0' },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    try {
      const match = await waitFor(
        child,
        /listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*no-email/,
      );
      const url = match[1] ?? '';
      expect(stdout).to.include(DEFAULT_CLIENT.clientID);
      expect(stdout).to.include('avery.howard@outlook.com');
      const doc = json(await raw(`${url}/common/v2.0/.well-known/openid-configuration`));
      expect(doc['issuer']).to.equal(`${url}/{tenantid}/v2.0`);
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 1 with a message on an invalid PORT', async () => {
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, PORT: 'not-a-port', EMULATOR_LOG: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr.trim()).to.equal("PORT: invalid port 'not-a-port'");
  });

  it('refuses HOST=0.0.0.0 without --unsafe-bind, and listens there with it', async () => {
    const refused = spawn(process.execPath, [bin], {
      env: { ...process.env, PORT: '0', HOST: '0.0.0.0', EMULATOR_LOG: '0' },
    });
    let stderr = '';
    refused.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.include('--unsafe-bind');

    const child = spawn(process.execPath, [bin, '--unsafe-bind'], {
      env: { ...process.env, PORT: '0', HOST: '0.0.0.0', EMULATOR_LOG: '0' },
    });
    try {
      await waitFor(child, /listening on http:\/\/0\.0\.0\.0:\d+/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--https serves TLS from a CA in --ca-dir and prints the NODE_EXTRA_CA_CERTS line', async () => {
    const caDir = mkdtempSync(join(tmpdir(), 'emu-cli-ca-'));
    const child = spawn(process.execPath, [bin, '--https', '--ca-dir', caDir, '--port', '0'], {
      env: { ...process.env, EMULATOR_LOG: '0' },
    });
    try {
      const match = await waitFor(
        child,
        /listening on (https:\/\/127\.0\.0\.1:\d+)\n[\s\S]*no-email/,
      );
      const url = match[1] ?? '';
      const caPath = join(caDir, 'ca.pem');
      expect(match.input).to.include(`\n    NODE_EXTRA_CA_CERTS=${caPath}\n`);
      const ca = readFileSync(caPath, 'utf8');
      const doc = json(await raw(`${url}/common/v2.0/.well-known/openid-configuration`, { ca }));
      expect(doc['issuer']).to.equal(`${url}/{tenantid}/v2.0`);
    } finally {
      child.kill('SIGKILL');
      rmSync(caDir, { recursive: true, force: true });
    }
  });

  it('--redirect-uri shows in the banner; a bad --config exits 1 naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-config-'));
    try {
      const config = join(dir, 'emulator.json');
      writeFileSync(
        config,
        JSON.stringify({ clients: [{ clientID: 'x', redirectUris: ['nope'] }] }),
      );
      const refused = spawn(process.execPath, [bin, '--config', config], {
        env: { ...process.env, PORT: '0', EMULATOR_LOG: '0' },
      });
      let stderr = '';
      refused.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      expect(await new Promise<number | null>((resolve) => refused.once('exit', resolve))).to.equal(
        1,
      );
      expect(stderr.trim()).to.equal(
        "clients[0].redirectUris[0]: must be an absolute URL, got 'nope'",
      );
      const child = spawn(
        process.execPath,
        [
          bin,
          '--port',
          '0',
          '--redirect-uri',
          'https://app.example.test/api/auth/callback/microsoft-entra-id',
        ],
        { env: { ...process.env, EMULATOR_LOG: '0' } },
      );
      try {
        await waitFor(
          child,
          /redirect URIs: .*https:\/\/app\.example\.test\/api\/auth\/callback\/microsoft-entra-id/,
        );
      } finally {
        child.kill('SIGKILL');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
