/**
 * openid-client against the https emulator, through the recipe of emulator/README.md: discovery on
 * a tenant's authority, authorization code with PKCE, refresh; and why `common` does not discover.
 */
import { expect } from 'chai';
import { DEMO_USERS } from 'microsoft-identity-emulator';
import { RECIPE_TIMEOUT_MS, runModule, runRecipe, useHttpsEmulator } from './recipes.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('interop: openid-client', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  const emulator = useHttpsEmulator();

  it('discovery, code + PKCE and refresh on the tenant authority', async () => {
    const out = await runRecipe('openid-client: discovery, code with PKCE, refresh', emulator());
    expect(out).to.equal(`signed in: ${WORK?.displayName}\nrefreshed: true\n`);
    const forms = emulator()
      .requestLog('token')
      .map((r) => r.form);
    expect(forms.map((f) => f.get('grant_type'))).to.deep.equal([
      'authorization_code',
      'refresh_token',
    ]);
    expect(forms[0]?.get('code_verifier')).to.be.a('string');
    const authorize = emulator().requestLog('authorize')[0];
    expect(authorize?.query.get('code_challenge_method')).to.equal('S256');
  });

  it('common does not discover: its issuer is the {tenantid} template (as at Microsoft)', async () => {
    const out = await runModule(
      'openid-client discovery on common',
      `import * as client from 'openid-client';
const err = await client.discovery(new URL(process.env.EMULATOR_URL + '/common/v2.0'), 'any').then(
  () => undefined,
  (e) => e,
);
console.log(err?.code, err?.message);`,
      emulator(),
    );
    expect(out).to.match(/^OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED .*issuer/);
  });
});
