/**
 * passport-microsoft against the https emulator, through the recipe of emulator/README.md: a full
 * login in an Express app with the strategy's URLs pointed at the emulator (the migration path).
 */
import { expect } from 'chai';
import { DEMO_USERS } from 'microsoft-identity-emulator';
import { RECIPE_TIMEOUT_MS, runRecipe, useHttpsEmulator } from './recipes.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('interop: passport-microsoft', function () {
  this.timeout(RECIPE_TIMEOUT_MS + 30_000);
  const emulator = useHttpsEmulator();

  it('signs in through the emulator and reads the profile from its Graph', async () => {
    const out = await runRecipe('passport-microsoft: test before you migrate', emulator());
    expect(out).to.equal(`hello ${WORK?.displayName} (${WORK?.preferredUsername})\n`);
    expect(emulator().requests('token')).to.equal(1);
    expect(emulator().requests('graph.me')).to.equal(1);
  });
});
