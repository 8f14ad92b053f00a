import { expect } from 'chai';
import sinon from 'sinon';
import {
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_ID,
  DEMO_USERS,
  startEmulator,
} from '../src/index.js';
import type { Emulator } from '../src/index.js';
import {
  CLIENT_ID,
  getCode,
  json,
  jwtHeader,
  jwtPayload,
  pkce,
  postForm,
  raw,
  redeem,
  rejectionOf,
  REDIRECT,
  SECRET,
} from './helpers.js';
import type { RawResponse } from './helpers.js';
import type { JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };

const DESCRIPTION_RE =
  /^AADSTS(\d+): [^\r\n]+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/;

/** Asserts a Microsoft token-endpoint error body. */
function assertAadError(
  res: RawResponse,
  status: number,
  error: string,
  code: number,
  origin: string,
): void {
  expect(res.status, res.text).to.equal(status);
  const body = json(res);
  expect(body['error']).to.equal(error);
  expect(body['error_codes']).to.deep.equal([code]);
  const description = String(body['error_description']);
  expect(description).to.match(DESCRIPTION_RE);
  expect(DESCRIPTION_RE.exec(description)?.[1]).to.equal(String(code));
  expect(description.includes(`Trace ID: ${String(body['trace_id'])}`)).to.be.ok;
  expect(description.includes(`Correlation ID: ${String(body['correlation_id'])}`)).to.be.ok;
  expect(description.endsWith(`Timestamp: ${String(body['timestamp'])}`)).to.be.ok;
  expect(body['error_uri']).to.equal(`${origin}/error?code=${code}`);
}

describe('emulator: token endpoint', () => {
  let emulator: Emulator;
  let tokenUrl: string;
  before(async () => {
    emulator = await startEmulator({
      clients: [
        DEFAULT_CLIENT,
        {
          clientID: 'other-app',
          clientSecret: 's3cr+t:&=x',
          redirectUris: ['http://localhost/cb'],
        },
      ],
    });
    tokenUrl = `${emulator.authority()}/oauth2/v2.0/token`;
  });
  after(async () => {
    await emulator.close();
  });

  it('redeems a code: Bearer, scopes, a Graph JWT access token, refresh token and a verifiable id_token', async () => {
    const jose = await import('jose');
    const code = await getCode(emulator, 'work');
    const res = await redeem(emulator, code);
    expect(res.status, res.text).to.equal(200);
    expect(String(res.headers['cache-control'])).to.match(/no-store/);
    const body = json(res);
    expect(body['token_type']).to.equal('Bearer');
    expect(body['scope']).to.equal('openid profile email offline_access User.Read');
    // 60 to 90 minutes, drawn per token as Microsoft does.
    expect(body['expires_in']).to.be.within(3599, 5399);
    expect(body['ext_expires_in']).to.equal(body['expires_in']);
    expect(typeof body['access_token']).to.equal('string');
    expect(
      String(body['access_token']).split('.'),
      'a work account Graph token is a JWT',
    ).to.have.length(3);
    expect(typeof body['refresh_token']).to.equal('string');

    const idToken = String(body['id_token']);
    const served = json(
      await raw(`${emulator.authority()}/discovery/v2.0/keys`),
    ) as unknown as JSONWebKeySet;
    const jwks = jose.createLocalJWKSet(served);
    const { payload, protectedHeader } = await jose.jwtVerify(idToken, jwks, {
      issuer: `${emulator.url}/${DEMO_TENANT_ID}/v2.0`,
      audience: CLIENT_ID,
      algorithms: ['RS256'],
    });
    expect(Object.keys(protectedHeader).sort()).to.deep.equal(['alg', 'kid', 'typ']);
    expect(protectedHeader.typ).to.equal('JWT');
    expect(emulator.jwks().keys.some((k) => k['kid'] === protectedHeader.kid)).to.be.ok;
    const work = DEMO_USERS.find((u) => u.key === 'work');
    expect(payload['ver']).to.equal('2.0');
    expect(payload['tid']).to.equal(DEMO_TENANT_ID);
    expect(payload['oid']).to.equal(work?.oid);
    expect(payload['name']).to.equal('Adele Vance');
    expect(payload['preferred_username']).to.equal('AdeleV@contoso.com');
    expect(payload['email']).to.equal('AdeleV@contoso.com');
    expect(payload['nonce']).to.equal('n-456');
    expect(payload['xms_edov']).to.equal(true);
    expect(payload['idp']).to.equal(undefined);
    expect(String(payload.sub)).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(payload.nbf).to.equal(payload.iat);
    expect(Number(payload.exp) - Number(payload.iat)).to.equal(3600);
    expect(Math.abs(Number(payload.iat) - Date.now() / 1000) < 5).to.be.ok;
  });

  it('verifies against the served JWKS with the {tenantid} issuer substituted (personal and guest)', async () => {
    const jose = await import('jose');
    const served = json(await raw(`${emulator.authority()}/discovery/v2.0/keys`));
    const keys = served['keys'] as Array<Record<string, unknown>>;
    for (const [account, tid, idp] of [
      ['personal', CONSUMER_TENANT_ID, undefined],
      ['guest', DEMO_TENANT_ID, 'live.com'],
    ] as const) {
      // The guest is reached through its tenant (through common it signs in as its home account).
      const tenant = account === 'guest' ? DEMO_TENANT_ID : 'common';
      const body = json(
        await redeem(emulator, await getCode(emulator, account, {}, tenant), {}, tenant),
      );
      const token = String(body['id_token']);
      const kid = jwtHeader(token)['kid'];
      const key = keys.find((k) => k['kid'] === kid);
      if (key === undefined) throw new Error(`kid ${String(kid)} is not served`);
      const expectedIssuer = String(key['issuer']).replace('{tenantid}', tid);
      const { payload } = await jose.jwtVerify(
        token,
        await jose.importJWK({ kty: 'RSA', n: String(key['n']), e: String(key['e']) }, 'RS256'),
        {
          issuer: expectedIssuer,
          audience: CLIENT_ID,
        },
      );
      expect(payload['tid']).to.equal(tid);
      expect(payload['idp']).to.equal(idp);
    }
  });

  it('omits claims the scopes do not ask for; no refresh token without offline_access; no id_token without openid', async () => {
    const thin = json(
      await redeem(
        emulator,
        await getCode(emulator, 'personal', { scope: 'openid User.Read', nonce: undefined }),
      ),
    );
    const claims = jwtPayload(String(thin['id_token']));
    for (const absent of ['name', 'preferred_username', 'oid', 'email', 'nonce'])
      expect(claims[absent], absent).to.equal(undefined);
    expect(claims['tid']).to.equal(CONSUMER_TENANT_ID);
    expect(thin['refresh_token']).to.equal(undefined);
    expect(thin['scope']).to.equal('openid User.Read');

    const noOpenid = json(
      await redeem(emulator, await getCode(emulator, 'work', { scope: 'User.Read' })),
    );
    expect(noOpenid['id_token']).to.equal(undefined);
    expect(noOpenid['scope']).to.equal('User.Read');

    const noEmail = json(await redeem(emulator, await getCode(emulator, 'no-email')));
    expect(jwtPayload(String(noEmail['id_token']))['email']).to.equal(undefined);

    const graphPrefixed = json(
      await redeem(
        emulator,
        await getCode(emulator, 'work', { scope: 'openid https://graph.microsoft.com/User.Read' }),
      ),
    );
    expect(graphPrefixed['scope']).to.equal('openid User.Read');
    const onlyOidc = json(
      await redeem(emulator, await getCode(emulator, 'work', { scope: 'openid profile' })),
    );
    expect(onlyOidc['scope']).to.equal('User.Read openid profile');
  });

  it('computes a stable pairwise sub per client and user', async () => {
    const a = jwtPayload(
      String(json(await redeem(emulator, await getCode(emulator, 'work')))['id_token']),
    );
    const b = jwtPayload(
      String(json(await redeem(emulator, await getCode(emulator, 'work')))['id_token']),
    );
    const c = jwtPayload(
      String(json(await redeem(emulator, await getCode(emulator, 'personal')))['id_token']),
    );
    const otherCode = await getCode(emulator, 'work', {
      client_id: 'other-app',
      redirect_uri: 'http://localhost/cb',
    });
    const other = jwtPayload(
      String(
        json(
          await redeem(emulator, otherCode, {
            client_id: 'other-app',
            client_secret: 's3cr+t:&=x',
            redirect_uri: 'http://localhost/cb',
          }),
        )['id_token'],
      ),
    );
    expect(a['sub']).to.equal(b['sub']);
    expect(a['sub']).to.not.equal(c['sub']);
    expect(a['sub'], 'pairwise: another app sees another sub').to.not.equal(other['sub']);
    expect(a['oid'], 'oid is the same across apps').to.equal(other['oid']);
  });

  it('accepts client_secret_basic with form-URL-encoded credentials', async () => {
    const code = await getCode(emulator, 'work', {
      client_id: 'other-app',
      redirect_uri: 'http://localhost:8080/cb',
    });
    const basic = Buffer.from(
      `${encodeURIComponent('other-app')}:${encodeURIComponent('s3cr+t:&=x')}`,
    ).toString('base64');
    const res = await postForm(
      tokenUrl,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:8080/cb' },
      { Authorization: `Basic ${basic}` },
    );
    expect(res.status, res.text).to.equal(200);
    expect(jwtPayload(String(json(res)['id_token']))['aud']).to.equal('other-app');
  });

  it('401 invalid_client for a wrong (7000215) or missing (7000218) secret; 400 unauthorized_client for an unknown client', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(
      await redeem(emulator, code, { client_secret: 'wrong' }),
      401,
      'invalid_client',
      7000215,
      emulator.url,
    );
    assertAadError(
      await redeem(emulator, code, { client_secret: '' }),
      401,
      'invalid_client',
      7000218,
      emulator.url,
    );
    const basicWrong = Buffer.from(`${CLIENT_ID}:nope`).toString('base64');
    assertAadError(
      await postForm(
        tokenUrl,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
        { Authorization: `Basic ${basicWrong}` },
      ),
      401,
      'invalid_client',
      7000215,
      emulator.url,
    );
    assertAadError(
      await redeem(emulator, code, { client_id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }),
      400,
      'unauthorized_client',
      700016,
      emulator.url,
    );
    // failed client authentication does not consume the code
    expect((await redeem(emulator, code)).status).to.equal(200);
  });

  it('verifies PKCE S256 and plain (501481 on mismatch or missing verifier)', async () => {
    const { verifier, challenge } = pkce();
    const s256 = { code_challenge: challenge, code_challenge_method: 'S256' };
    assertAadError(
      await redeem(emulator, await getCode(emulator, 'work', s256), {
        code_verifier: pkce().verifier,
      }),
      400,
      'invalid_grant',
      501481,
      emulator.url,
    );
    assertAadError(
      await redeem(emulator, await getCode(emulator, 'work', s256)),
      400,
      'invalid_grant',
      501481,
      emulator.url,
    );
    expect(
      (await redeem(emulator, await getCode(emulator, 'work', s256), { code_verifier: verifier }))
        .status,
    ).to.equal(200);
    const plain = { code_challenge: verifier, code_challenge_method: 'plain' };
    expect(
      (await redeem(emulator, await getCode(emulator, 'work', plain), { code_verifier: verifier }))
        .status,
    ).to.equal(200);
    const implicitPlain = { code_challenge: verifier };
    assertAadError(
      await redeem(emulator, await getCode(emulator, 'work', implicitPlain), {
        code_verifier: challenge,
      }),
      400,
      'invalid_grant',
      501481,
      emulator.url,
    );
  });

  it('codes are single use (54005)', async () => {
    const code = await getCode(emulator, 'work');
    expect((await redeem(emulator, code)).status).to.equal(200);
    assertAadError(await redeem(emulator, code), 400, 'invalid_grant', 54005, emulator.url);
  });

  it('codes must be redeemed on their tenant path (700005)', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(
      await redeem(emulator, code, {}, 'organizations'),
      400,
      'invalid_grant',
      700005,
      emulator.url,
    );
    assertAadError(
      await redeem(emulator, code, {}, DEMO_TENANT_ID),
      400,
      'invalid_grant',
      700005,
      emulator.url,
    );
    const tenantCode = await getCode(emulator, 'work', {}, 'contoso.onmicrosoft.com');
    expect(
      (await redeem(emulator, tenantCode, {}, DEMO_TENANT_ID)).status,
      'domain and GUID name the same tenant',
    ).to.equal(200);
  });

  it('redirect_uri must equal the authorize one (50011)', async () => {
    const code = await getCode(emulator, 'work');
    assertAadError(
      await redeem(emulator, code, { redirect_uri: 'http://localhost:3001/login/callback' }),
      400,
      'invalid_grant',
      50011,
      emulator.url,
    );
    assertAadError(
      await redeem(emulator, code, { redirect_uri: '' }),
      400,
      'invalid_request',
      900144,
      emulator.url,
    );
  });

  it('rejects unknown codes, unsupported grant types and GET', async () => {
    assertAadError(
      await redeem(emulator, 'not-a-code'),
      400,
      'invalid_grant',
      9002313,
      emulator.url,
    );
    assertAadError(
      await postForm(tokenUrl, {
        grant_type: 'password',
        client_id: CLIENT_ID,
        client_secret: SECRET,
      }),
      400,
      'unsupported_grant_type',
      70003,
      emulator.url,
    );
    assertAadError(await raw(tokenUrl), 400, 'invalid_request', 900561, emulator.url);
  });

  it('refresh_token grant: new tokens for the same user, new refresh token, id_token without nonce', async () => {
    const first = json(await redeem(emulator, await getCode(emulator, 'personal')));
    const refreshed = await postForm(tokenUrl, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: SECRET,
      refresh_token: String(first['refresh_token']),
    });
    expect(refreshed.status, refreshed.text).to.equal(200);
    const body = json(refreshed);
    expect(body['refresh_token']).to.not.equal(first['refresh_token']);
    expect(body['access_token']).to.not.equal(first['access_token']);
    const a = jwtPayload(String(first['id_token']));
    const b = jwtPayload(String(body['id_token']));
    expect(a['nonce']).to.equal('n-456');
    expect(b['nonce']).to.equal(undefined);
    expect(b['oid']).to.equal(a['oid']);
    expect(b['sub']).to.equal(a['sub']);
    const me = await raw(`${emulator.graphBaseURL}/me`, {
      headers: { Authorization: `Bearer ${String(body['access_token'])}` },
    });
    expect(json(me)['displayName']).to.equal('Avery Howard');
    assertAadError(
      await postForm(tokenUrl, {
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        client_secret: SECRET,
        refresh_token: 'bogus',
      }),
      400,
      'invalid_grant',
      9002313,
      emulator.url,
    );
    assertAadError(
      await postForm(tokenUrl, {
        grant_type: 'refresh_token',
        client_id: 'other-app',
        client_secret: 's3cr+t:&=x',
        refresh_token: String(body['refresh_token']),
      }),
      400,
      'invalid_grant',
      70000,
      emulator.url,
    );
  });

  it('returns client_info when asked', async () => {
    const body = json(
      await redeem(emulator, await getCode(emulator, 'work'), { client_info: '1' }),
    );
    const info = JSON.parse(
      Buffer.from(String(body['client_info']), 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(info).to.deep.equal({
      uid: DEMO_USERS.find((u) => u.key === 'work')?.oid,
      utid: DEMO_TENANT_ID,
    });
  });

  it('signIdToken signs with emulator keys and supports forged variants', async () => {
    const jose = await import('jose');
    const jwks = jose.createLocalJWKSet(emulator.jwks());
    const good = await emulator.signIdToken({ aud: CLIENT_ID, iss: 'x' });
    expect((await jose.jwtVerify(good, jwks)).payload['iss']).to.equal('x');
    const consumer = await emulator.signIdToken({ a: 1 }, { key: 'consumer' });
    const consumerKid = emulator
      .jwks()
      .keys.find((k) => String(k['issuer']).includes(CONSUMER_TENANT_ID))?.['kid'];
    expect(jwtHeader(consumer)['kid']).to.equal(consumerKid);
    await jose.jwtVerify(consumer, jwks);
    const unknownKid = await emulator.signIdToken({ a: 1 }, { kid: 'unknown-kid' });
    expect(jwtHeader(unknownKid)['kid']).to.equal('unknown-kid');
    await rejectionOf(jose.jwtVerify(unknownKid, jwks));
    const none = await emulator.signIdToken({ a: 1 }, { alg: 'none' });
    expect(none.endsWith('.')).to.be.ok;
    expect(jwtHeader(none)['alg']).to.equal('none');
    const hs = await emulator.signIdToken({ a: 1 }, { alg: 'HS256' });
    expect(jwtHeader(hs)['alg']).to.equal('HS256');
    await rejectionOf(jose.jwtVerify(hs, jwks));
    const lying = await emulator.signIdToken(
      { a: 1 },
      { header: { jku: 'https://evil.example/keys' } },
    );
    expect(jwtHeader(lying)['jku']).to.equal('https://evil.example/keys');
    await jose.jwtVerify(lying, jwks);
    const ps = await emulator.signIdToken({ a: 1 }, { alg: 'PS256' });
    expect(jwtHeader(ps)['alg']).to.equal('PS256');
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
        expect((await redeem(short, fresh)).status).to.equal(200);
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
        clock.tick(6_000);
        assertAadError(await redeem(short, code), 400, 'invalid_grant', 70008, short.url);
      } finally {
        await short.close();
      }
    });
  });
});
