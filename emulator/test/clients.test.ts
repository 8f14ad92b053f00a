import { expect } from 'chai';
import { DEFAULT_CLIENT, startEmulator } from '../src/index.js';
import type { Emulator, EmulatorClientOptions } from '../src/index.js';
import { getCode, json, jwtPayload, redeem, rejectionOf } from './helpers.js';

const REDIRECT = 'http://localhost:3000/login/callback';

/** Signs `work` in with `clientID` and redeems the code with `secret`; returns the token response. */
async function signInWith(
  emulator: Emulator,
  clientID: string,
  secret: string,
): Promise<Record<string, unknown>> {
  const code = await getCode(emulator, 'work', { client_id: clientID, redirect_uri: REDIRECT });
  const res = await redeem(emulator, code, {
    client_id: clientID,
    client_secret: secret,
    redirect_uri: REDIRECT,
  });
  expect(res.status, res.text).to.equal(200);
  return json(res);
}

describe('emulator: app registrations (clients option)', () => {
  it('names the default client id clientID, the spelling of Passport strategies', () => {
    expect(DEFAULT_CLIENT.clientID).to.equal('3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40');
    expect(Object.keys(DEFAULT_CLIENT)).to.deep.equal([
      'clientID',
      'clientSecret',
      'redirectUris',
      'name',
    ]);
    expect(DEFAULT_CLIENT.name).to.equal('Sample app');
  });

  it('registers a client given with clientID', async () => {
    const emulator = await startEmulator({
      clients: [{ clientID: 'new-app', clientSecret: 'new-secret', redirectUris: [REDIRECT] }],
    });
    try {
      expect(emulator.clients).to.deep.equal([
        { clientID: 'new-app', clientSecret: 'new-secret', redirectUris: [REDIRECT] },
      ]);
      const tokens = await signInWith(emulator, 'new-app', 'new-secret');
      expect(jwtPayload(String(tokens['id_token']))['aud']).to.equal('new-app');
    } finally {
      await emulator.close();
    }
  });

  it('still accepts the deprecated clientId and reports it as clientID', async () => {
    const legacy: EmulatorClientOptions = {
      clientId: 'legacy-app',
      clientSecret: 'legacy-secret',
      redirectUris: [REDIRECT],
    };
    const emulator = await startEmulator({ clients: [legacy] });
    try {
      expect(emulator.clients).to.deep.equal([
        { clientID: 'legacy-app', clientSecret: 'legacy-secret', redirectUris: [REDIRECT] },
      ]);
      const tokens = await signInWith(emulator, 'legacy-app', 'legacy-secret');
      expect(jwtPayload(String(tokens['id_token']))['aud']).to.equal('legacy-app');
    } finally {
      await emulator.close();
    }
  });

  it('accepts both names when they agree', async () => {
    const emulator = await startEmulator({
      clients: [
        { clientID: 'same-app', clientId: 'same-app', clientSecret: 's', redirectUris: [REDIRECT] },
      ],
    });
    try {
      expect(emulator.clients.map((c) => c.clientID)).to.deep.equal(['same-app']);
    } finally {
      await emulator.close();
    }
  });

  it('rejects a client whose clientID and deprecated clientId differ', async () => {
    const err = await rejectionOf(
      startEmulator({
        clients: [
          { clientID: 'app-a', clientId: 'app-b', clientSecret: 's', redirectUris: [REDIRECT] },
        ],
      }),
    );
    expect(err).to.be.instanceOf(TypeError);
    expect((err as Error).message).to.equal(
      "emulator client has clientID 'app-a' and a different clientId 'app-b' (the deprecated name); give clientID only",
    );
  });

  it('rejects a client without an id or a secret', async () => {
    for (const client of [
      { clientID: '', clientSecret: 's', redirectUris: [REDIRECT] },
      { clientID: 'app', clientSecret: '', redirectUris: [REDIRECT] },
      { clientId: '', clientSecret: 's', redirectUris: [REDIRECT] },
    ]) {
      const err = await rejectionOf(startEmulator({ clients: [client] }));
      expect(err, JSON.stringify(client)).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.equal(
        'emulator clients need a clientID and a clientSecret, certificates or federatedCredentials (or publicClient: true)',
      );
    }
  });
});
