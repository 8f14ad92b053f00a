import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_CLIENT } from '../../lib/emulator/index.js';
import { json, raw } from './helpers.js';

const CLI = join(__dirname, '..', '..', 'lib', 'emulator', 'cli.ts');

/** Resolves with the first stdout line matching `pattern`. */
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
      reject(new Error(`cli exited (${String(code)}) before printing ${String(pattern)}: ${out}`)),
    );
  });
}

describe('emulator: npm run emulator (cli)', () => {
  it('prints its URL and the demo accounts, serves requests, and exits 0 on SIGTERM', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI], {
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
      expect(stdout).to.include(DEFAULT_CLIENT.clientId);
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

  it('refuses HOST=0.0.0.0 without --unsafe-bind, and listens there with it', async function () {
    this.timeout(30_000);
    const refused = spawn(process.execPath, ['--import', 'tsx', CLI], {
      env: { ...process.env, PORT: '0', HOST: '0.0.0.0', EMULATOR_LOG: '0' },
    });
    let stderr = '';
    refused.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.include('--unsafe-bind');

    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--unsafe-bind'], {
      env: { ...process.env, PORT: '0', HOST: '0.0.0.0', EMULATOR_LOG: '0' },
    });
    try {
      await waitFor(child, /listening on http:\/\/0\.0\.0\.0:\d+/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
