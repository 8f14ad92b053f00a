/**
 * @azure/identity against the https emulator, through the recipe of emulator/README.md:
 * ClientSecretCredential and ClientCertificateCredential get app-only tokens for the demo API.
 */
import path from 'node:path';
import { expect } from 'chai';
import { CREDENTIALS, RECIPE_TIMEOUT_MS, runRecipe, useHttpsEmulator } from './recipes.js';

describe('interop: @azure/identity', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  const emulator = useHttpsEmulator('MSAL Node: daemon with a secret or a certificate');

  it('ClientSecretCredential and ClientCertificateCredential get app-only tokens', async () => {
    const out = await runRecipe(
      'Azure Identity: ClientSecretCredential and ClientCertificateCredential',
      emulator(),
      {
        DAEMON_CERT: path.join(CREDENTIALS, 'app-cert.pem'),
        DAEMON_KEY: path.join(CREDENTIALS, 'app-key.pem'),
      },
    );
    expect(out).to.equal('secret: app ["Tasks.Read.All"]\ncertificate: app ["Tasks.Read.All"]\n');
    const forms = emulator()
      .requestLog('token')
      .map((r) => r.form);
    expect(forms.map((f) => f.get('grant_type'))).to.deep.equal([
      'client_credentials',
      'client_credentials',
    ]);
    expect(forms[1]?.has('client_assertion')).to.equal(true);
    // disableInstanceDiscovery: nothing asked the emulator (or anyone) about instances.
    expect(
      emulator()
        .requestLog()
        .some((r) => r.path.endsWith('/discovery/instance')),
    ).to.equal(false);
  });
});
