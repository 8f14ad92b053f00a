import { expect } from 'chai';
import { DEFAULT_CLIENT, DEMO_USERS, startEmulator } from 'microsoft-identity-emulator';
import { startBanner } from '../../example/banner.js';

/** The accounts the emulator's sign-in page offers through `tenant`, as "name address" lines. */
async function pickerOffers(tenant: string): Promise<string[]> {
  const emulator = await startEmulator();
  try {
    const url = new URL(`${emulator.authority(tenant)}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: DEFAULT_CLIENT.clientID,
      response_type: 'code',
      redirect_uri: 'http://localhost:3000/login/callback',
      scope: 'openid profile',
      state: 's',
    }).toString();
    const page = await (await fetch(url)).text();
    const keys = [...page.matchAll(/data-account="([^"]+)"/g)].map((m) => m[1]);
    return DEMO_USERS.filter((u) => keys.includes(u.key)).map(
      (u) => `${u.displayName} ${u.preferredUsername}`,
    );
  } finally {
    await emulator.close();
  }
}

/** The banner's account lines for `tenant`, as "name address" (the kind column left out). */
function bannerAccounts(tenant: string): string[] {
  return startBanner({
    baseURL: 'http://localhost:3000',
    sessions: 'memory (this process only)',
    sessionSecretGenerated: false,
    emulator: { url: 'http://127.0.0.1:41234', users: DEMO_USERS, tenant },
  })
    .filter((line) => line.startsWith('    - '))
    .map((line) => line.slice(6).trim().split(/\s+/))
    .map((words) => {
      const at = words.findIndex((w) => w.includes('@'));
      return `${words.slice(0, at).join(' ')} ${words[at] ?? ''}`;
    });
}

describe('sample app start banner', () => {
  const base = { baseURL: 'http://localhost:3000', sessions: 'memory (this process only)' };

  it('says the guest needs its tenant named under common, and is a plain guest once it is', () => {
    const line = (tenant: string): string | undefined =>
      startBanner({
        ...base,
        sessionSecretGenerated: false,
        emulator: { url: 'http://127.0.0.1:41234', users: DEMO_USERS, tenant },
      }).find((l) => l.includes('jordan.lee@outlook.com') && l.includes('guest'));
    expect(line('common')).to.match(/guest \(with MICROSOFT_TENANT=contoso\.onmicrosoft\.com\)$/);
    expect(line('contoso.onmicrosoft.com')).to.match(/ guest$/);
    expect(line('6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b')).to.match(/ guest$/);
  });

  for (const tenant of ['contoso.onmicrosoft.com', 'consumers']) {
    it(`with MICROSOFT_TENANT=${tenant} it lists only the accounts the emulator's picker offers`, async () => {
      const offered = await pickerOffers(tenant);
      expect(offered).to.not.deep.equal([]);
      expect(bannerAccounts(tenant)).to.deep.equal(offered);
    });
  }

  it('with MICROSOFT_TENANT=contoso.onmicrosoft.com no personal account is listed', () => {
    const lines = startBanner({
      ...base,
      sessionSecretGenerated: false,
      emulator: {
        url: 'http://127.0.0.1:41234',
        users: DEMO_USERS,
        tenant: 'contoso.onmicrosoft.com',
      },
    }).filter((line) => line.startsWith('    - '));
    expect(lines).to.have.length(3);
    expect(lines.filter((line) => / personal$/.test(line))).to.deep.equal([]);
  });

  it('with Microsoft, names the authority, the client and the redirect URI to register', () => {
    expect(
      startBanner({
        ...base,
        sessionSecretGenerated: false,
        microsoft: {
          authority: 'https://login.microsoftonline.com/common',
          clientID: '11111111-2222-3333-4444-555555555555',
        },
      }),
    ).to.deep.equal([
      '',
      '  Sample app:      http://localhost:3000/',
      '  Microsoft:       https://login.microsoftonline.com/common (client 11111111-2222-3333-4444-555555555555)',
      '  Redirect URI:    http://localhost:3000/login/callback  (must be registered under Authentication > Web)',
      '  API:             http://localhost:3000/api/tasks (bearer tokens; try it signed in at /tasks)',
      '  Sessions:        memory (this process only)',
      '',
      '  Press Ctrl+C to stop.',
      '',
    ]);
  });
});
