/**
 * The on-behalf-of grant: an API exchanges a user's token it received for a Graph or API token
 * as the same user, and Microsoft's errors for what it must refuse.
 */
import { expect } from 'chai';
import {
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_TENANT_ID,
  DEMO_USERS,
  startEmulator,
} from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, jwtHeader, jwtPayload, loginTokens, postForm } from './helpers.js';

const WORK = DEMO_USERS.find((u) => u.key === 'work');
const API_SCOPE = `${DEMO_API.api.applicationIdUri}/Tasks.Read`;
const OBO = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('emulator: on-behalf-of grant (jwt-bearer, requested_token_use=on_behalf_of)', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let userToken: string;
  before(async () => {
    emulator = await startEmulator();
    const body = await loginTokens(emulator, 'work', { scope: `openid ${API_SCOPE}` });
    userToken = String(body['access_token']);
  });
  after(async () => {
    await emulator.close();
  });

  function obo(form: Record<string, string>): ReturnType<typeof postForm> {
    return postForm(`${emulator.authority(DEMO_TENANT_ID)}/oauth2/v2.0/token`, {
      grant_type: OBO,
      requested_token_use: 'on_behalf_of',
      client_id: DEMO_API.clientID,
      client_secret: DEMO_API.clientSecret,
      assertion: userToken,
      scope: 'https://graph.microsoft.com/User.Read offline_access',
      ...form,
    });
  }

  it('the API gets a Graph token for the same user (nonce header, appid = the API) and Graph /me answers', async () => {
    const res = await obo({});
    expect(res.status, res.text).to.equal(200);
    const body = json(res);
    expect(body).to.include({ token_type: 'Bearer', scope: 'User.Read offline_access' });
    expect(body['refresh_token']).to.be.a('string');
    const token = String(body['access_token']);
    expect(jwtHeader(token)['nonce']).to.be.a('string');
    expect(jwtPayload(token)).to.include({
      oid: WORK?.oid,
      appid: DEMO_API.clientID,
      scp: 'User.Read',
    });
    const me = await fetch(`${emulator.graphBaseURL}/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(me.status).to.equal(200);
    expect(((await me.json()) as { id: string }).id).to.equal(WORK?.oid);
  });

  it('refuses a token meant for another app (AADSTS50013, invalid_grant)', async () => {
    const res = await obo({
      client_id: DEFAULT_CLIENT.clientID,
      client_secret: DEFAULT_CLIENT.clientSecret,
    });
    expect(res.status).to.equal(400);
    expect(json(res)).to.include({ error: 'invalid_grant' });
    expect(json(res)['error_codes']).to.deep.equal([50013]);
  });

  it('refuses an app-only token, a forged signature and an expired token', async () => {
    const daemon = await postForm(`${emulator.authority(DEMO_TENANT_ID)}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: DEMO_DAEMON_CLIENT.clientID,
      client_secret: DEMO_DAEMON_CLIENT.clientSecret,
      scope: `${DEMO_API.api.applicationIdUri}/.default`,
    });
    const appOnly = await obo({ assertion: String(json(daemon)['access_token']) });
    expect(json(appOnly)['error_codes']).to.deep.equal([50013]);
    expect(String(json(appOnly)['error_description'])).to.contain('app-only');
    const [head, body] = userToken.split('.');
    const forged = await obo({ assertion: `${head}.${body}.${'A'.repeat(342)}` });
    expect(json(forged)['error_codes']).to.deep.equal([50013]);
    const claims = { ...jwtPayload(userToken), exp: Math.floor(Date.now() / 1000) - 60 };
    const expired = await obo({
      assertion: await emulator.signIdToken(claims, { header: { typ: 'JWT' } }),
    });
    expect(json(expired)).to.include({ error: 'invalid_grant' });
    expect(json(expired)['error_codes']).to.deep.equal([500133]);
  });

  it('needs the confidential client, requested_token_use=on_behalf_of and an assertion', async () => {
    const noSecret = await obo({ client_secret: '' });
    expect(json(noSecret)['error_codes']).to.deep.equal([7000218]);
    const wrongUse = await obo({ requested_token_use: 'something_else' });
    expect(json(wrongUse)['error_codes']).to.deep.equal([9002313]);
    const noAssertion = await obo({ assertion: '' });
    expect(json(noAssertion)['error_codes']).to.deep.equal([900144]);
  });
});
