/**
 * Graph access tokens: work and school accounts get v1 JWTs whose header carries a `nonce` member,
 * like Microsoft's; personal accounts get opaque tokens; the Graph routes accept both and refuse
 * an API's token as one for another audience.
 */
import { expect } from 'chai';
import { DEMO_API, DEMO_TENANT_ID, DEMO_USERS, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, jwtHeader, jwtPayload, loginTokens, raw } from './helpers.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const WORK = DEMO_USERS.find((u) => u.key === 'work');

describe('emulator: Graph access tokens', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  function me(token: string): ReturnType<typeof raw> {
    return raw(`${emulator.graphBaseURL}/me`, { headers: { Authorization: `Bearer ${token}` } });
  }

  it('a work account gets a v1 JWT with a nonce header member; Graph accepts it', async () => {
    const token = String((await loginTokens(emulator, 'work'))['access_token']);
    const header = jwtHeader(token);
    expect(header['nonce'])
      .to.be.a('string')
      .and.match(/^[0-9a-f]{32}$/);
    expect(header).to.include({ typ: 'JWT', alg: 'RS256' });
    expect(header['x5t']).to.equal(header['kid']);
    expect(emulator.signingKeys().map((k) => k.kid)).to.include(header['kid']);
    const claims = jwtPayload(token);
    expect(claims).to.include({
      aud: GRAPH_APP_ID,
      iss: `${emulator.url}/${DEMO_TENANT_ID}/`,
      ver: '1.0',
      idtyp: 'user',
      oid: WORK?.oid,
      tid: DEMO_TENANT_ID,
      upn: WORK?.preferredUsername,
    });
    expect(String(claims['scp']).split(' ')).to.include('User.Read');
    const res = await me(token);
    expect(res.status).to.equal(200);
    expect(json(res)['id']).to.equal(WORK?.graphId);
  });

  it('two Graph tokens carry different nonces', async () => {
    const a = jwtHeader(String((await loginTokens(emulator, 'work'))['access_token']));
    const b = jwtHeader(String((await loginTokens(emulator, 'work'))['access_token']));
    expect(a['nonce']).to.not.equal(b['nonce']);
  });

  it('a personal account gets an opaque token; Graph accepts it', async () => {
    const token = String((await loginTokens(emulator, 'personal'))['access_token']);
    expect(token.includes('.')).to.equal(false);
    expect((await me(token)).status).to.equal(200);
  });

  it("Graph refuses an API's token: 401 InvalidAuthenticationToken, Invalid audience", async () => {
    const scope = `${DEMO_API.api.applicationIdUri}/Tasks.Read`;
    const token = String((await loginTokens(emulator, 'work', { scope }))['access_token']);
    expect(jwtHeader(token)).to.not.have.property('nonce');
    const res = await me(token);
    expect(res.status).to.equal(401);
    expect((json(res)['error'] as Record<string, unknown>)['message']).to.equal(
      'Invalid audience.',
    );
  });
});
