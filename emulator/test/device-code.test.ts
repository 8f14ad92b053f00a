/**
 * The device code flow: `/devicecode`, the verification page `/devicelogin`, and the polling
 * answers of the token endpoint (`authorization_pending`, `expired_token`, `authorization_declined`).
 */
import { expect } from 'chai';
import sinon from 'sinon';
import {
  DEFAULT_CLIENT,
  DEMO_PUBLIC_CLIENT,
  DEMO_USERS,
  DEVICE_CODE_INTERVAL_SECONDS,
  completeLogin,
  startEmulator,
} from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, jwtPayload, postForm, raw } from './helpers.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('emulator: device code flow', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function start(tenant = 'organizations'): Promise<Record<string, unknown>> {
    const res = await postForm(`${emulator.authority(tenant)}/oauth2/v2.0/devicecode`, {
      client_id: DEMO_PUBLIC_CLIENT.clientID,
      scope: 'openid profile offline_access User.Read',
    });
    expect(res.status, res.text).to.equal(200);
    return json(res);
  }

  function poll(deviceCode: string, tenant = 'organizations'): ReturnType<typeof postForm> {
    return postForm(`${emulator.authority(tenant)}/oauth2/v2.0/token`, {
      grant_type: DEVICE_GRANT,
      client_id: DEMO_PUBLIC_CLIENT.clientID,
      device_code: deviceCode,
    });
  }

  it('answers Microsoft members with a short interval and a verification page on the emulator', async () => {
    const body = await start();
    expect(body).to.have.keys([
      'user_code',
      'device_code',
      'verification_uri',
      'expires_in',
      'interval',
      'message',
    ]);
    expect(body['interval']).to.equal(DEVICE_CODE_INTERVAL_SECONDS);
    expect(body['expires_in']).to.equal(900);
    expect(body['verification_uri']).to.equal(`${emulator.url}/devicelogin`);
    expect(String(body['message'])).to.contain(String(body['user_code']));
    const page = await raw(String(body['verification_uri']));
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('name="otc"');
  });

  it('authorization_pending until the user signs in, then the tokens once', async () => {
    const body = await start();
    const deviceCode = String(body['device_code']);
    const pending = await poll(deviceCode);
    expect(pending.status).to.equal(400);
    expect(json(pending)).to.include({ error: 'authorization_pending' });
    expect(json(pending)['error_codes']).to.deep.equal([70016]);
    // The code as typed by a user: lower case with a dash.
    const typed = String(body['user_code'])
      .toLowerCase()
      .replace(/^(...)/, '$1-');
    const result = await completeLogin(`${emulator.url}/devicelogin?otc=${typed}`, 'work');
    expect(result).to.deep.equal({ kind: 'device', outcome: 'approved' });
    const tokens = await poll(deviceCode);
    expect(tokens.status, tokens.text).to.equal(200);
    const claims = jwtPayload(String(json(tokens)['id_token']));
    expect(claims).to.include({ oid: WORK?.oid, aud: DEMO_PUBLIC_CLIENT.clientID });
    expect(json(tokens)['refresh_token']).to.be.a('string');
    const again = await poll(deviceCode);
    expect(json(again)).to.include({ error: 'invalid_grant' });
  });

  it('the code-entry form leads to the account picker', async () => {
    const body = await start();
    const page = await postForm(`${emulator.url}/devicelogin`, { otc: String(body['user_code']) });
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-account="work"');
    expect(page.text).to.contain('Contoso CLI');
  });

  it('authorization_declined when the user cancels; bad_verification_code for an unknown code', async () => {
    const body = await start();
    const result = await completeLogin(
      `${emulator.url}/devicelogin?otc=${String(body['user_code'])}`,
      { cancel: true },
    );
    expect(result).to.deep.equal({ kind: 'device', outcome: 'declined' });
    const declined = await poll(String(body['device_code']));
    expect(json(declined)).to.include({ error: 'authorization_declined' });
    const unknown = await poll('not-a-device-code');
    expect(json(unknown)).to.include({ error: 'bad_verification_code' });
    expect(json(unknown)['error_codes']).to.deep.equal([70018]);
    const page = await completeLogin(`${emulator.url}/devicelogin?otc=ZZZZZZZZZ`, 'work');
    expect(page).to.include({ kind: 'error_page', code: 70018 });
  });

  it('expired_token (AADSTS70020) after 15 minutes', async () => {
    const body = await start();
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      clock.tick(901_000);
      const expired = await poll(String(body['device_code']));
      expect(json(expired)).to.include({ error: 'expired_token' });
      expect(json(expired)['error_codes']).to.deep.equal([70020]);
    } finally {
      clock.restore();
    }
  });

  it('a confidential client without its secret gets AADSTS7000218; unknown clients AADSTS700016', async () => {
    const res = await postForm(`${emulator.authority('organizations')}/oauth2/v2.0/devicecode`, {
      client_id: DEFAULT_CLIENT.clientID,
      scope: 'User.Read',
    });
    const poll1 = await postForm(`${emulator.authority('organizations')}/oauth2/v2.0/token`, {
      grant_type: DEVICE_GRANT,
      client_id: DEFAULT_CLIENT.clientID,
      device_code: String(json(res)['device_code']),
    });
    expect(json(poll1)['error_codes']).to.deep.equal([7000218]);
    const unknown = await postForm(`${emulator.authority('common')}/oauth2/v2.0/devicecode`, {
      client_id: '00000000-0000-0000-0000-000000000001',
      scope: 'User.Read',
    });
    expect(unknown.status).to.equal(400);
    expect(json(unknown)['error_codes']).to.deep.equal([700016]);
    expect(emulator.requests('devicecode')).to.be.greaterThan(0);
  });
});
