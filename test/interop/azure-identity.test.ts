/**
 * @azure/identity against the https emulator, through the recipe of emulator/README.md:
 * ClientSecretCredential and ClientCertificateCredential get app-only tokens for the demo API.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { configOptions } from '../../emulator/src/config-file.js';
import { ROOT } from '../docs/markdown.js';
import { RECIPE_TIMEOUT_MS, recipeJson, runRecipe, temporaryCaDirectory } from './recipes.js';

const CREDENTIALS = path.join(ROOT, 'test', 'fixtures', 'credentials');

describe('interop: @azure/identity', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  let emulator: Emulator;
  let ca: ReturnType<typeof temporaryCaDirectory>;
  before(async () => {
    ca = temporaryCaDirectory();
    mkdirSync(path.join(ca.dir, 'certs'));
    copyFileSync(
      path.join(CREDENTIALS, 'app-cert.pem'),
      path.join(ca.dir, 'certs', 'daemon-cert.pem'),
    );
    // The --config file of the MSAL daemon recipe registers the certificate daemon.
    const file = recipeJson('MSAL Node: daemon with a secret or a certificate');
    const config = configOptions(file, ca.dir);
    emulator = await startEmulator({ https: { caDirectory: ca.dir }, ...config });
  });
  after(async () => {
    await emulator.close();
    ca.remove();
  });

  it('ClientSecretCredential and ClientCertificateCredential get app-only tokens', async () => {
    const out = await runRecipe(
      'Azure Identity: ClientSecretCredential and ClientCertificateCredential',
      emulator,
      {
        DAEMON_CERT: path.join(CREDENTIALS, 'app-cert.pem'),
        DAEMON_KEY: path.join(CREDENTIALS, 'app-key.pem'),
      },
    );
    expect(out).to.equal('secret: app ["Tasks.Read.All"]\ncertificate: app ["Tasks.Read.All"]\n');
    const forms = emulator.requestLog('token').map((r) => r.form);
    expect(forms.map((f) => f.get('grant_type'))).to.deep.equal([
      'client_credentials',
      'client_credentials',
    ]);
    expect(forms[1]?.has('client_assertion')).to.equal(true);
    // disableInstanceDiscovery: nothing asked the emulator (or anyone) about instances.
    expect(emulator.requestLog().some((r) => r.path.endsWith('/discovery/instance'))).to.equal(
      false,
    );
  });
});
