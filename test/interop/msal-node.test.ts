/**
 * @azure/msal-node against the https emulator, through the recipes of emulator/README.md:
 * authorization code (login page driven over HTTP), silent from the cache and forced refresh,
 * client credentials with a secret and a certificate, on-behalf-of, device code.
 */
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_USERS } from 'microsoft-identity-emulator';
import { CREDENTIALS, RECIPE_TIMEOUT_MS, runRecipe, useHttpsEmulator } from './recipes.js';

const DAEMON = 'MSAL Node: daemon with a secret or a certificate';

const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('interop: @azure/msal-node', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  const emulator = useHttpsEmulator(DAEMON);
  beforeEach(() => emulator().resetCounts());

  it('getAuthCodeUrl + acquireTokenByCode, then acquireTokenSilent from the cache and forced', async () => {
    const out = await runRecipe('MSAL Node: sign-in, silent and refresh', emulator());
    expect(out).to.equal(
      `signed in: ${WORK?.preferredUsername}\nsilent from cache: true\nforced refresh: true\n`,
    );
    const grants = emulator()
      .requestLog('token')
      .map((r) => r.form.get('grant_type'));
    expect(grants).to.deep.equal(['authorization_code', 'refresh_token']);
    // MSAL asks for client_info, which the emulator answers.
    expect(emulator().requestLog('token')[0]?.form.get('client_info')).to.equal('1');
  });

  it('acquireTokenByClientCredential with a secret and with a certificate', async () => {
    const out = await runRecipe(DAEMON, emulator(), {
      DAEMON_CERT: path.join(CREDENTIALS, 'app-cert.pem'),
      DAEMON_KEY: path.join(CREDENTIALS, 'app-key.pem'),
    });
    expect(out).to.equal('secret: ["Tasks.Read.All"]\ncertificate: ["Tasks.Read.All"]\n');
    const forms = emulator()
      .requestLog('token')
      .map((r) => r.form);
    expect(forms.map((f) => f.get('grant_type'))).to.deep.equal([
      'client_credentials',
      'client_credentials',
    ]);
    expect(forms[1]?.get('client_assertion_type')).to.equal(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
  });

  it('acquireTokenOnBehalfOf: the API calls Graph as the signed-in user', async () => {
    const out = await runRecipe('MSAL Node: on-behalf-of', emulator());
    expect(out).to.equal(`on behalf of: ${WORK?.displayName}\n`);
    const forms = emulator()
      .requestLog('token')
      .map((r) => r.form);
    expect(forms.map((f) => f.get('grant_type'))).to.deep.equal([
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
    expect(forms[1]?.get('requested_token_use')).to.equal('on_behalf_of');
  });

  it('acquireTokenByDeviceCode: the verification page, then the tokens', async () => {
    const out = await runRecipe('MSAL Node: device code', emulator());
    expect(out).to.equal(`device code sign-in: ${WORK?.preferredUsername}\n`);
    expect(emulator().requests('devicecode')).to.equal(1);
    const grants = emulator()
      .requestLog('token')
      .map((r) => r.form.get('grant_type'));
    // MSAL polls with the short grant name, which Microsoft accepts as well as the URN.
    expect(grants).to.include('device_code');
  });
});
