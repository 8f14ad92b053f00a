/**
 * @azure/msal-node against the https emulator, through the recipes of emulator/README.md:
 * authorization code (login page driven over HTTP), silent from the cache and forced refresh,
 * client credentials with a secret and a certificate, on-behalf-of, device code.
 */
import { expect } from 'chai';
import { DEMO_USERS, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { RECIPE_TIMEOUT_MS, runRecipe, temporaryCaDirectory } from './recipes.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('interop: @azure/msal-node', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  let emulator: Emulator;
  let ca: ReturnType<typeof temporaryCaDirectory>;
  before(async () => {
    ca = temporaryCaDirectory();
    emulator = await startEmulator({ https: { caDirectory: ca.dir } });
  });
  after(async () => {
    await emulator.close();
    ca.remove();
  });
  beforeEach(() => emulator.resetCounts());

  it('getAuthCodeUrl + acquireTokenByCode, then acquireTokenSilent from the cache and forced', async () => {
    const out = await runRecipe('MSAL Node: sign-in, silent and refresh', emulator);
    expect(out).to.equal(
      `signed in: ${WORK?.preferredUsername}\nsilent from cache: true\nforced refresh: true\n`,
    );
    const grants = emulator.requestLog('token').map((r) => r.form.get('grant_type'));
    expect(grants).to.deep.equal(['authorization_code', 'refresh_token']);
    // MSAL asks for client_info, which the emulator answers.
    expect(emulator.requestLog('token')[0]?.form.get('client_info')).to.equal('1');
  });
});
