/**
 * The command line of the bin, read without starting it: flags, environment variables, and the
 * errors that name what is wrong.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorConfigError, parseCommandLine } from '../src/cli-options.js';

/** The error `parseCommandLine` throws for these arguments and environment. */
function failure(argv: string[], env: NodeJS.ProcessEnv = {}): EmulatorConfigError {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    if (err instanceof EmulatorConfigError) return err;
    throw err;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('emulator: command line', () => {
  it('defaults to plain http on 127.0.0.1:4010', () => {
    const { options, help } = parseCommandLine([], {});
    expect(options).to.deep.equal({ port: 4010, host: '127.0.0.1' });
    expect(help).to.equal(false);
  });

  it('takes --flag value and --flag=value; flags win over environment variables', () => {
    const { options } = parseCommandLine(['--port=0', '--host', '::1'], { PORT: '5000' });
    expect(options.port).to.equal(0);
    expect(options.host).to.equal('::1');
    expect(parseCommandLine([], { PORT: '5000', HOST: 'localhost' }).options).to.include({
      port: 5000,
      host: 'localhost',
    });
  });

  it('--https, EMULATOR_HTTPS=1 and --ca-dir set the https option', () => {
    expect(parseCommandLine(['--https'], {}).options.https).to.deep.equal({});
    expect(parseCommandLine([], { EMULATOR_HTTPS: '1' }).options.https).to.deep.equal({});
    expect(parseCommandLine([], { EMULATOR_HTTPS: '0' }).options.https).to.equal(undefined);
    expect(parseCommandLine(['--https', '--ca-dir', '/tmp/ca'], {}).options.https).to.deep.equal({
      caDirectory: '/tmp/ca',
    });
    expect(
      parseCommandLine(['--https'], { EMULATOR_CA_DIR: '/tmp/env-ca' }).options.https,
    ).to.deep.equal({ caDirectory: '/tmp/env-ca' });
  });

  it('--https-cert and --https-key read a certificate of the user’s own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    try {
      writeFileSync(join(dir, 'c.pem'), 'CERT');
      writeFileSync(join(dir, 'k.pem'), 'KEY');
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      const settings = parseCommandLine(
        [
          '--https-cert',
          join(dir, 'c.pem'),
          '--https-key',
          join(dir, 'k.pem'),
          '--https-ca',
          join(dir, 'ca.pem'),
        ],
        {},
      );
      expect(settings.options.https).to.deep.equal({
        certificate: 'CERT',
        key: 'KEY',
        caCertificate: 'CA',
      });
      expect(settings.caFile).to.equal(join(dir, 'ca.pem'));
      expect(failure(['--https-cert', join(dir, 'c.pem')]).field).to.equal('--https-key');
      const missing = failure(['--https-cert', join(dir, 'nope.pem'), '--https-key', 'k']);
      expect(missing.field).to.equal('--https-cert');
      expect(missing.message).to.contain('ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the flag or variable that is wrong', () => {
    const bad = failure(['--bogus']);
    expect(bad.code).to.equal('EMULATOR_CONFIG_INVALID');
    expect(bad.field).to.equal('--bogus');
    expect(failure(['--port']).message).to.equal('--port: needs a value');
    expect(failure(['--port', '70000']).field).to.equal('--port');
    expect(failure([], { PORT: 'x' }).message).to.equal("PORT: invalid port 'x'");
    expect(failure(['--port', '1', '--port', '2']).message).to.contain('more than once');
  });

  it('--help asks for the usage text', () => {
    expect(parseCommandLine(['--help'], {}).help).to.equal(true);
    expect(parseCommandLine(['-h'], {}).help).to.equal(true);
  });
});
