import { expect } from 'chai';
import { DEMO_USERS } from 'microsoft-identity-emulator';
import { startBanner } from '../../example/banner.js';

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
      '  Sessions:        memory (this process only)',
      '',
      '  Press Ctrl+C to stop.',
      '',
    ]);
  });
});
