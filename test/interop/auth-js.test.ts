/**
 * @auth/core's Microsoft Entra ID provider against the https emulator, through the recipe of
 * emulator/README.md: CSRF, sign-in, the emulator's page, the callback, the session's user.
 */
import { expect } from 'chai';
import { DEMO_USERS } from 'microsoft-identity-emulator';
import { RECIPE_TIMEOUT_MS, runRecipe, useHttpsEmulator } from './recipes.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('interop: @auth/core (Auth.js) Microsoft Entra ID provider', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  const emulator = useHttpsEmulator();

  it('a full sign-in through Auth(): the session names the signed-in user', async () => {
    const out = await runRecipe('Auth.js: the Microsoft Entra ID provider', emulator(), {
      AUTH_SECRET: 'interop-test-secret-0123456789abcdef',
    });
    // Auth.js keeps the email lower-cased.
    expect(out).to.equal(`session: ${WORK?.displayName} <${WORK?.email?.toLowerCase()}>\n`);
    const authorize = emulator().requestLog('authorize')[0];
    expect(authorize?.query.get('redirect_uri')).to.equal(
      'http://localhost:3000/api/auth/callback/microsoft-entra-id',
    );
    expect(authorize?.query.get('code_challenge_method')).to.equal('S256');
    expect(emulator().requests('token')).to.equal(1);
    expect(emulator().requests('discovery')).to.be.greaterThan(0);
  });
});
