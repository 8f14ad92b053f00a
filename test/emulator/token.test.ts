import assert from 'node:assert/strict';
import sinon from 'sinon';
import { CONSUMER_TENANT_ID, DEFAULT_CLIENT, DEMO_TENANT_ID, DEMO_USERS, startEmulator } from '../../lib/emulator/index.js';
import type { Emulator } from '../../lib/emulator/index.js';
import { CLIENT_ID, getCode, json, jwtHeader, jwtPayload, pkce, postForm, raw, redeem, REDIRECT, SECRET } from './helpers.js';
import type { RawResponse } from './helpers.js';
import type { JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };

const DESCRIPTION_RE = /^AADSTS(\d+): [^\r\n]+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/;

/** Asserts a Microsoft token-endpoint error body. */
function assertAadError(res: RawResponse, status: number, error: string, code: number, origin: string): void {
  assert.equal(res.status, status, res.text);
  const body = json(res);
  assert.equal(body['error'], error);
  assert.deepEqual(body['error_codes'], [code]);
  const description = String(body['error_description']);
  assert.match(description, DESCRIPTION_RE);
  assert.equal(DESCRIPTION_RE.exec(description)?.[1], String(code));
  assert.ok(description.includes(`Trace ID: ${String(body['trace_id'])}`));
  assert.ok(description.includes(`Correlation ID: ${String(body['correlation_id'])}`));
  assert.ok(description.endsWith(`Timestamp: ${String(body['timestamp'])}`));
  assert.equal(body['error_uri'], `${origin}/error?code=${code}`);
}

describe('emulator: token endpoint', () => {
  let emulator: Emulator;
  let tokenUrl: string;
  before(async () => {
    emulator = await startEmulator({
      clients: [DEFAULT_CLIENT, { clientId: 'other-app', clientSecret: 's3cr+t:&=x', redirectUris: ['http://localhost/cb'] }],
    });
    tokenUrl = `${emulator.authority()}/oauth2/v2.0/token`;
  });
  after(async () => {
    await emulator.close();
  });

  it('redeems a code: Bearer, scopes, opaque access token, refresh token and a verifiable id_token', async () => {
    const jose = await import('jose');
    const code = await getCode(emulator, 'work');
    const res = await redeem(emulator, code);
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['cache-control']), /no-store/);
    const body = json(res);
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['scope'], 'openid profile email offline_access User.Read');
    assert.equal(body['expires_in'], 3599);
    assert.equal(body['ext_expires_in'], 3599);
    assert.equal(typeof body['access_token'], 'string');
    assert.equal(String(body['access_token']).includes('.'), false, 'access token is opaque, not a JWT');
    assert.equal(typeof body['refresh_token'], 'string');

    const idToken = String(body['id_token']);
    const served = json(await raw(`${emulator.authority()}/discovery/v2.0/keys`)) as unknown as JSONWebKeySet;
    const jwks = jose.createLocalJWKSet(served);
    const { payload, protectedHeader } = await jose.jwtVerify(idToken, jwks, {
      issuer: `${emulator.url}/${DEMO_TENANT_ID}/v2.0`,
      audience: CLIENT_ID,
      algorithms: ['RS256'],
    });
    assert.deepEqual(Object.keys(protectedHeader).sort(), ['alg', 'kid', 'typ']);
    assert.equal(protectedHeader.typ, 'JWT');
    assert.ok(emulator.jwks().keys.some((k) => k['kid'] === protectedHeader.kid));
    const work = DEMO_USERS.find((u) => u.key === 'work');
    assert.equal(payload['ver'], '2.0');
    assert.equal(payload['tid'], DEMO_TENANT_ID);
    assert.equal(payload['oid'], work?.oid);
    assert.equal(payload['name'], 'Adele Vance');
    assert.equal(payload['preferred_username'], 'AdeleV@contoso.com');
    assert.equal(payload['email'], 'AdeleV@contoso.com');
    assert.equal(payload['nonce'], 'n-456');
    assert.equal(payload['xms_edov'], true);
    assert.equal(payload['idp'], undefined);
    assert.match(String(payload.sub), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(payload.nbf, payload.iat);
    assert.equal(Number(payload.exp) - Number(payload.iat), 3600);
    assert.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 5);
  });

  it('verifies against the served JWKS with the {tenantid} issuer substituted (personal and guest)', async () => {
    const jose = await import('jose');
    const served = json(await raw(`${emulator.authority()}/discovery/v2.0/keys`));
    const keys = served['keys'] as Array<Record<string, unknown>>;
    for (const [account, tid, idp] of [['personal', CONSUMER_TENANT_ID, undefined], ['guest', DEMO_TENANT_ID, 'live.com']] as const) {
      const body = json(await redeem(emulator, await getCode(emulator, account)));
      const token = String(body['id_token']);
      const kid = jwtHeader(token)['kid'];
      const key = keys.find((k) => k['kid'] === kid);
      assert.ok(key, `kid ${String(kid)} is served`);
      const expectedIssuer = String(key['issuer']).replace('{tenantid}', tid);
      const { payload } = await jose.jwtVerify(token, await jose.importJWK({ kty: 'RSA', n: String(key['n']), e: String(key['e']) }, 'RS256'), {
        issuer: expectedIssuer,
        audience: CLIENT_ID,
      });
      assert.equal(payload['tid'], tid);
      assert.equal(payload['idp'], idp);
    }
  });

  it('omits claims the scopes do not ask for; no refresh token without offline_access; no id_token without openid', async () => {
    const thin = json(await redeem(emulator, await getCode(emulator, 'personal', { scope: 'openid User.Read', nonce: undefined })));
    const claims = jwtPayload(String(thin['id_token']));
    for (const absent of ['name', 'preferred_username', 'oid', 'email', 'nonce']) assert.equal(claims[absent], undefined, absent);
    assert.equal(claims['tid'], CONSUMER_TENANT_ID);
    assert.equal(thin['refresh_token'], undefined);
    assert.equal(thin['scope'], 'openid User.Read');

    const noOpenid = json(await redeem(emulator, await getCode(emulator, 'work', { scope: 'User.Read' })));
    assert.equal(noOpenid['id_token'], undefined);
    assert.equal(noOpenid['scope'], 'User.Read');

    const noEmail = json(await redeem(emulator, await getCode(emulator, 'no-email')));
    assert.equal(jwtPayload(String(noEmail['id_token']))['email'], undefined);

    const graphPrefixed = json(await redeem(emulator, await getCode(emulator, 'work', { scope: 'openid https://graph.microsoft.com/User.Read' })));
    assert.equal(graphPrefixed['scope'], 'openid User.Read');
    const onlyOidc = json(await redeem(emulator, await getCode(emulator, 'work', { scope: 'openid profile' })));
    assert.equal(onlyOidc['scope'], 'User.Read openid profile');
  });

  it('computes a stable pairwise sub per client and user', async () => {
    const a = jwtPayload(String(json(await redeem(emulator, await getCode(emulator, 'work')))['id_token']));
    const b = jwtPayload(String(json(await redeem(emulator, await getCode(emulator, 'work')))['id_token']));
    const c = jwtPayload(String(json(await redeem(emulator, await getCode(emulator, 'personal')))['id_token']));
    const otherCode = await getCode(emulator, 'work', { client_id: 'other-app', redirect_uri: 'http://localhost/cb' });
    const other = jwtPayload(String(json(await redeem(emulator, otherCode, { client_id: 'other-app', client_secret: 's3cr+t:&=x', redirect_uri: 'http://localhost/cb' }))['id_token']));
    assert.equal(a['sub'], b['sub']);
    assert.notEqual(a['sub'], c['sub']);
    assert.notEqual(a['sub'], other['sub'], 'pairwise: another app sees another sub');
    assert.equal(a['oid'], other['oid'], 'oid is the same across apps');
  });

  it('accepts client_secret_basic with form-URL-encoded credentials', async () => {
    const code = await getCode(emulator, 'work', { client_id: 'other-app', redirect_uri: 'http://localhost:8080/cb' });
    const basic = Buffer.from(`${encodeURIComponent('other-app')}:${encodeURIComponent('s3cr+t:&=x')}`).toString('base64');
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:8080/cb' }, { Authorization: `Basic ${basic}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(jwtPayload(String(json(res)['id_token']))['aud'], 'other-app');
  });

  it('401 invalid_client for a wrong (7000215) or missing (7000218) secret; 400 unauthorized_client for an unknown client', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(await redeem(emulator, code, { client_secret: 'wrong' }), 401, 'invalid_client', 7000215, emulator.url);
    assertAadError(await redeem(emulator, code, { client_secret: '' }), 401, 'invalid_client', 7000218, emulator.url);
    const basicWrong = Buffer.from(`${CLIENT_ID}:nope`).toString('base64');
    assertAadError(
      await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { Authorization: `Basic ${basicWrong}` }),
      401, 'invalid_client', 7000215, emulator.url,
    );
    assertAadError(await redeem(emulator, code, { client_id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }), 400, 'unauthorized_client', 700016, emulator.url);
    // failed client authentication does not consume the code
    assert.equal((await redeem(emulator, code)).status, 200);
  });

  it('verifies PKCE S256 and plain (501481 on mismatch or missing verifier)', async () => {
    const { verifier, challenge } = pkce();
    const s256 = { code_challenge: challenge, code_challenge_method: 'S256' };
    assertAadError(await redeem(emulator, await getCode(emulator, 'work', s256), { code_verifier: pkce().verifier }), 400, 'invalid_grant', 501481, emulator.url);
    assertAadError(await redeem(emulator, await getCode(emulator, 'work', s256)), 400, 'invalid_grant', 501481, emulator.url);
    assert.equal((await redeem(emulator, await getCode(emulator, 'work', s256), { code_verifier: verifier })).status, 200);
    const plain = { code_challenge: verifier, code_challenge_method: 'plain' };
    assert.equal((await redeem(emulator, await getCode(emulator, 'work', plain), { code_verifier: verifier })).status, 200);
    const implicitPlain = { code_challenge: verifier };
    assertAadError(await redeem(emulator, await getCode(emulator, 'work', implicitPlain), { code_verifier: challenge }), 400, 'invalid_grant', 501481, emulator.url);
  });

  it('codes are single use (54005)', async () => {
    const code = await getCode(emulator, 'work');
    assert.equal((await redeem(emulator, code)).status, 200);
    assertAadError(await redeem(emulator, code), 400, 'invalid_grant', 54005, emulator.url);
  });

  it('codes must be redeemed on their tenant path (700005)', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(await redeem(emulator, code, {}, 'organizations'), 400, 'invalid_grant', 700005, emulator.url);
    assertAadError(await redeem(emulator, code, {}, DEMO_TENANT_ID), 400, 'invalid_grant', 700005, emulator.url);
    const tenantCode = await getCode(emulator, 'work', {}, 'contoso.onmicrosoft.com');
    assert.equal((await redeem(emulator, tenantCode, {}, DEMO_TENANT_ID)).status, 200, 'domain and GUID name the same tenant');
  });

  it('redirect_uri must equal the authorize one (50011)', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(await redeem(emulator, code, { redirect_uri: 'http://localhost:3001/login/callback' }), 400, 'invalid_grant', 50011, emulator.url);
    assertAadError(await redeem(emulator, code, { redirect_uri: '' }), 400, 'invalid_request', 900144, emulator.url);
  });

  it('rejects unknown codes, unsupported grant types and GET', async () => {
    assertAadError(await redeem(emulator, 'not-a-code'), 400, 'invalid_grant', 9002313, emulator.url);
    assertAadError(await postForm(tokenUrl, { grant_type: 'password', client_id: CLIENT_ID, client_secret: SECRET }), 400, 'unsupported_grant_type', 70003, emulator.url);
    assertAadError(await raw(tokenUrl), 400, 'invalid_request', 900561, emulator.url);
  });

  it('refresh_token grant: new tokens for the same user, new refresh token, id_token without nonce', async () => {
    const first = json(await redeem(emulator, await getCode(emulator, 'personal')));
    const refreshed = await postForm(tokenUrl, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: SECRET, refresh_token: String(first['refresh_token']) });
    assert.equal(refreshed.status, 200, refreshed.text);
    const body = json(refreshed);
    assert.notEqual(body['refresh_token'], first['refresh_token']);
    assert.notEqual(body['access_token'], first['access_token']);
    const a = jwtPayload(String(first['id_token']));
    const b = jwtPayload(String(body['id_token']));
    assert.equal(a['nonce'], 'n-456');
    assert.equal(b['nonce'], undefined);
    assert.equal(b['oid'], a['oid']);
    assert.equal(b['sub'], a['sub']);
    const me = await raw(`${emulator.graphBaseURL}/me`, { headers: { Authorization: `Bearer ${String(body['access_token'])}` } });
    assert.equal(json(me)['displayName'], 'Avery Howard');
    assertAadError(
      await postForm(tokenUrl, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: SECRET, refresh_token: 'bogus' }),
      400, 'invalid_grant', 9002313, emulator.url,
    );
    assertAadError(
      await postForm(tokenUrl, { grant_type: 'refresh_token', client_id: 'other-app', client_secret: 's3cr+t:&=x', refresh_token: String(body['refresh_token']) }),
      400, 'invalid_grant', 70000, emulator.url,
    );
  });

  it('returns client_info when asked', async () => {
    const body = json(await redeem(emulator, await getCode(emulator, 'work'), { client_info: '1' }));
    const info = JSON.parse(Buffer.from(String(body['client_info']), 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(info, { uid: DEMO_USERS.find((u) => u.key === 'work')?.oid, utid: DEMO_TENANT_ID });
  });

  it('signIdToken signs with emulator keys and supports forged variants', async () => {
    const jose = await import('jose');
    const jwks = jose.createLocalJWKSet(emulator.jwks() as unknown as JSONWebKeySet);
    const good = await emulator.signIdToken({ aud: CLIENT_ID, iss: 'x' });
    assert.equal((await jose.jwtVerify(good, jwks)).payload['iss'], 'x');
    const consumer = await emulator.signIdToken({ a: 1 }, { key: 'consumer' });
    const consumerKid = emulator.jwks().keys.find((k) => String(k['issuer']).includes(CONSUMER_TENANT_ID))?.['kid'];
    assert.equal(jwtHeader(consumer)['kid'], consumerKid);
    await jose.jwtVerify(consumer, jwks);
    const unknownKid = await emulator.signIdToken({ a: 1 }, { kid: 'unknown-kid' });
    assert.equal(jwtHeader(unknownKid)['kid'], 'unknown-kid');
    await assert.rejects(jose.jwtVerify(unknownKid, jwks));
    const none = await emulator.signIdToken({ a: 1 }, { alg: 'none' });
    assert.ok(none.endsWith('.'));
    assert.equal(jwtHeader(none)['alg'], 'none');
    const hs = await emulator.signIdToken({ a: 1 }, { alg: 'HS256' });
    assert.equal(jwtHeader(hs)['alg'], 'HS256');
    await assert.rejects(jose.jwtVerify(hs, jwks));
    const lying = await emulator.signIdToken({ a: 1 }, { header: { jku: 'https://evil.example/keys' } });
    assert.equal(jwtHeader(lying)['jku'], 'https://evil.example/keys');
    await jose.jwtVerify(lying, jwks);
    const ps = await emulator.signIdToken({ a: 1 }, { alg: 'PS256' });
    assert.equal(jwtHeader(ps)['alg'], 'PS256');
  });

  describe('expiry', () => {
    let clock: sinon.SinonFakeTimers | undefined;
    afterEach(() => {
      clock?.restore();
      clock = undefined;
    });

    it('codes expire after codeLifetimeSeconds (70008)', async () => {
      const code = await getCode(emulator, 'work');
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      clock.tick(601_000);
      assertAadError(await redeem(emulator, code), 400, 'invalid_grant', 70008, emulator.url);
    });

    it('honours a custom codeLifetimeSeconds', async () => {
      const short = await startEmulator({ codeLifetimeSeconds: 5 });
      try {
        const code = await getCode(short, 'work');
        const fresh = await getCode(short, 'work');
        assert.equal((await redeem(short, fresh)).status, 200);
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
        clock.tick(6_000);
        assertAadError(await redeem(short, code), 400, 'invalid_grant', 70008, short.url);
      } finally {
        await short.close();
      }
    });
  });
});
