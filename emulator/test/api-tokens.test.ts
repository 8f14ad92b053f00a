/**
 * User access tokens for a registered API: the code and refresh grants with `scope=<API>/<scope>`,
 * the v2 and v1 claim sets, refresh for another resource, public clients, and the errors.
 */
import { expect } from 'chai';
import {
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_TENANT_ID,
  DEMO_USERS,
  EXTERNAL_ID_TENANT_ID,
  completeLogin,
  startEmulator,
} from '../src/index.js';
import type { Emulator, EmulatorClientOptions } from '../src/index.js';
import {
  CLIENT_ID,
  getCode,
  json,
  jwtHeader,
  jwtPayload,
  postForm,
  raw,
  redeem,
  rejectionOf,
  REDIRECT,
  SECRET,
} from './helpers.js';
import type { JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };

const V1_API = {
  clientID: '0d4e6f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5',
  clientSecret: 'v1-api-secret',
  redirectUris: [],
  name: 'Legacy API',
  api: {
    applicationIdUri: 'https://contoso.example/legacy',
    scopes: ['Legacy.Read', 'Legacy.Write'],
    accessTokenVersion: 1 as const,
  },
};
const PUBLIC_APP = {
  clientID: '7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d',
  publicClient: true,
  redirectUris: ['http://localhost/login/callback'],
};
const WORK = DEMO_USERS.find((u) => u.key === 'work');
const API_SCOPE = `${DEMO_API.api.applicationIdUri}/Tasks.Read`;

/** The key set at `path` (v2 or v1) as jose reads it. */
async function keySet(url: string): Promise<JSONWebKeySet> {
  return json(await raw(url)) as unknown as JSONWebKeySet;
}

/** Verifies an RS256 token with a key set, issuer and audience; resolves header and claims. */
async function verify(
  token: string,
  jwksUrl: string,
  issuer: string,
  audience: string,
): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const jose = await import('jose');
  const { payload, protectedHeader } = await jose.jwtVerify(
    token,
    jose.createLocalJWKSet(await keySet(jwksUrl)),
    { issuer, audience, algorithms: ['RS256'] },
  );
  return { header: protectedHeader, claims: payload };
}

/** Redeems a refresh token with DEFAULT_CLIENT, with `scope` when given. */
function refresh(
  emulator: Emulator,
  token: string,
  scope?: string,
): Promise<ReturnType<typeof json>> {
  const form: Record<string, string> = {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    refresh_token: token,
  };
  if (scope !== undefined) form['scope'] = scope;
  return postForm(`${emulator.authority()}/oauth2/v2.0/token`, form).then((res) => {
    if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${res.text}`);
    return json(res);
  });
}

/** The token response of a login of `account` asking for `scope`. */
async function tokensFor(
  emulator: Emulator,
  account: string,
  scope: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await redeem(emulator, await getCode(emulator, account, { scope }));
  return { status: res.status, body: json(res) };
}

describe('emulator: access tokens for a registered API', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  before(async () => {
    const clients: EmulatorClientOptions[] = [DEFAULT_CLIENT, DEMO_API, V1_API, PUBLIC_APP];
    emulator = await startEmulator({ clients });
  });
  after(async () => {
    await emulator.close();
  });

  it('v2: a code grant for the API scope gives a JWT with aud, iss, azp, scp, preferred_username', async () => {
    const { status, body } = await tokensFor(
      emulator,
      'work',
      `openid offline_access ${API_SCOPE}`,
    );
    expect(status).to.equal(200);
    expect(body['scope']).to.equal(`openid offline_access ${API_SCOPE}`);
    expect(body['refresh_token']).to.be.a('string');
    expect(body['id_token']).to.be.a('string');
    const { header, claims } = await verify(
      String(body['access_token']),
      `${emulator.authority(DEMO_TENANT_ID)}/discovery/v2.0/keys`,
      `${emulator.url}/${DEMO_TENANT_ID}/v2.0`,
      DEMO_API.clientID,
    );
    expect(header).to.not.have.property('x5t');
    expect(header).to.not.have.property('nonce');
    expect(claims).to.include({
      ver: '2.0',
      tid: DEMO_TENANT_ID,
      oid: WORK?.oid,
      azp: CLIENT_ID,
      azpacr: '1',
      scp: 'Tasks.Read',
      preferred_username: WORK?.preferredUsername,
      name: WORK?.displayName,
    });
    for (const v1Only of ['appid', 'appidacr', 'upn', 'unique_name', 'idtyp', 'roles'])
      expect(claims, v1Only).to.not.have.property(v1Only);
    // The token's lifetime is the one the response states (60 to 90 minutes).
    expect(Number(claims['exp']) - Number(claims['iat'])).to.equal(body['expires_in']);
  });

  it('v1: iss <origin>/<tid>/, aud as requested, appid, upn, unique_name, x5t, v1 keys without issuer', async () => {
    for (const [resource, aud] of [
      [V1_API.api.applicationIdUri, V1_API.api.applicationIdUri],
      [V1_API.clientID, V1_API.clientID],
    ] as const) {
      const { status, body } = await tokensFor(emulator, 'work', `${resource}/Legacy.Read`);
      expect(status).to.equal(200);
      const token = String(body['access_token']);
      const { header, claims } = await verify(
        token,
        `${emulator.authority('common')}/discovery/keys`,
        `${emulator.url}/${DEMO_TENANT_ID}/`,
        aud,
      );
      expect(header['x5t']).to.equal(header['kid']);
      expect(claims).to.include({
        ver: '1.0',
        appid: CLIENT_ID,
        appidacr: '1',
        scp: 'Legacy.Read',
        upn: WORK?.preferredUsername,
        unique_name: WORK?.preferredUsername,
        tid: DEMO_TENANT_ID,
      });
      expect(claims).to.not.have.property('azp');
      expect(claims).to.not.have.property('preferred_username');
    }
  });

  it('.default grants every scope the API exposes', async () => {
    const { body } = await tokensFor(emulator, 'work', `${V1_API.api.applicationIdUri}/.default`);
    expect(jwtPayload(String(body['access_token']))['scp']).to.equal('Legacy.Read Legacy.Write');
    expect(body['scope']).to.equal(
      `${V1_API.api.applicationIdUri}/Legacy.Read ${V1_API.api.applicationIdUri}/Legacy.Write`,
    );
  });

  it('personal accounts get v2 tokens signed with the consumer-bound key, even from a v1 API', async () => {
    const { body } = await tokensFor(
      emulator,
      'personal',
      `${V1_API.api.applicationIdUri}/Legacy.Read`,
    );
    const { claims } = await verify(
      String(body['access_token']),
      `${emulator.authority('consumers')}/discovery/v2.0/keys`,
      `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`,
      V1_API.clientID,
    );
    expect(claims['ver']).to.equal('2.0');
    const consumerKid = emulator.signingKeys()[2]?.kid;
    expect(jwtHeader(String(body['access_token']))['kid']).to.equal(consumerKid);
  });

  it('a refresh token is redeemed for another resource with scope, and back', async () => {
    const { body } = await tokensFor(emulator, 'work', 'openid profile offline_access User.Read');
    const graphToken = jwtPayload(String(body['access_token']));
    expect(graphToken['aud']).to.equal('00000003-0000-0000-c000-000000000000');
    const forApi = await refresh(emulator, String(body['refresh_token']), API_SCOPE);
    const apiClaims = jwtPayload(String(forApi['access_token']));
    expect(apiClaims).to.include({ aud: DEMO_API.clientID, scp: 'Tasks.Read', ver: '2.0' });
    expect(forApi['scope']).to.equal(`openid profile offline_access ${API_SCOPE}`);
    expect(forApi['id_token']).to.be.a('string');
    // The new refresh token, without scope, keeps the API; with scope, goes back to Graph.
    const again = await refresh(emulator, String(forApi['refresh_token']));
    expect(jwtPayload(String(again['access_token']))['aud']).to.equal(DEMO_API.clientID);
    const back = await refresh(emulator, String(forApi['refresh_token']), 'User.Read');
    expect(jwtPayload(String(back['access_token']))['aud']).to.equal(
      '00000003-0000-0000-c000-000000000000',
    );
  });

  it('customer tenants: External ID v2 tokens and B2C ver 1.0 tokens, both with the discovered issuer', async () => {
    for (const authority of [emulator.externalIdAuthority(), emulator.b2cAuthority()]) {
      const url = new URL(`${authority}/oauth2/v2.0/authorize`);
      url.search = new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: `openid ${API_SCOPE}`,
      }).toString();
      const answer = await completeLogin(url.href, 'work');
      if (answer.kind !== 'redirect') throw new Error(answer.kind);
      const code = new URL(answer.location).searchParams.get('code') ?? '';
      const res = await postForm(`${authority}/oauth2/v2.0/token`, {
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        client_secret: SECRET,
        code,
        redirect_uri: REDIRECT,
      });
      expect(res.status, res.text).to.equal(200);
      const doc = json(await raw(`${authority}/v2.0/.well-known/openid-configuration`));
      const { claims } = await verify(
        String(json(res)['access_token']),
        String(doc['jwks_uri']),
        String(doc['issuer']),
        DEMO_API.clientID,
      );
      expect(claims['scp'], authority).to.equal('Tasks.Read');
      expect(claims['azp'], authority).to.equal(CLIENT_ID);
      if (authority === emulator.externalIdAuthority())
        expect(claims).to.include({ ver: '2.0', tid: EXTERNAL_ID_TENANT_ID });
      else {
        expect(claims).to.include({ ver: '1.0', tfp: 'B2C_1_signupsignin' });
        expect(claims).to.not.have.property('tid');
      }
    }
  });

  it('Graph refuses an API token (401): it is not a Graph token', async () => {
    const { body } = await tokensFor(emulator, 'work', API_SCOPE);
    const me = await raw(`${emulator.graphBaseURL}/me`, {
      headers: { Authorization: `Bearer ${String(body['access_token'])}` },
    });
    expect(me.status).to.equal(401);
  });

  it('AADSTS28000 for two resources, AADSTS650053 for a scope the API does not expose', async () => {
    const two = await tokensFor(emulator, 'work', `${API_SCOPE} User.Read`);
    expect(two.status).to.equal(400);
    expect(two.body).to.include({ error: 'invalid_scope' });
    expect(two.body['error_codes']).to.deep.equal([28000]);
    const unknown = await tokensFor(emulator, 'work', `${DEMO_API.api.applicationIdUri}/Nope`);
    expect(unknown.status).to.equal(400);
    expect(unknown.body['error_codes']).to.deep.equal([650053]);
    expect(String(unknown.body['error_description'])).to.match(/asked for scope '.*\/Nope'/);
  });

  it('a public client redeems with no credential (azpacr 0) and may not send one (AADSTS700025)', async () => {
    const code = await getCode(emulator, 'work', {
      client_id: PUBLIC_APP.clientID,
      scope: API_SCOPE,
    });
    const form = {
      grant_type: 'authorization_code',
      client_id: PUBLIC_APP.clientID,
      code,
      redirect_uri: REDIRECT,
    };
    const withSecret = await postForm(`${emulator.authority()}/oauth2/v2.0/token`, {
      ...form,
      client_secret: 'anything',
    });
    expect(withSecret.status).to.equal(401);
    expect(json(withSecret)['error_codes']).to.deep.equal([700025]);
    const res = await postForm(`${emulator.authority()}/oauth2/v2.0/token`, form);
    expect(res.status, res.text).to.equal(200);
    expect(jwtPayload(String(json(res)['access_token']))).to.include({
      azp: PUBLIC_APP.clientID,
      azpacr: '0',
    });
  });

  it('the demo API is registered by default and DEFAULT_CLIENT may request its scope', async () => {
    const plain = await startEmulator({ keys: emulator.signingKeys().map((k) => k.privateKey) });
    try {
      expect(plain.clients.map((c) => c.clientID)).to.include(DEMO_API.clientID);
      const { status, body } = await tokensFor(plain, 'work', API_SCOPE);
      expect(status).to.equal(200);
      expect(jwtPayload(String(body['access_token']))['aud']).to.equal(DEMO_API.clientID);
    } finally {
      await plain.close();
    }
  });

  it('refuses a bad api registration with a TypeError naming the member', async () => {
    const base = { clientID: 'x', clientSecret: 's', redirectUris: [] };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, api: { accessTokenVersion: 3 } }, /api\.accessTokenVersion must be 1 or 2/],
      [{ ...base, api: { scopes: 'Tasks.Read' } }, /api\.scopes must be an array/],
      [{ ...base, api: { applicationIdUri: 'api://x/' } }, /api\.applicationIdUri/],
      [{ ...base, appRoles: { 'api://y': 'Role' } }, /appRoles\['api:\/\/y'\] must list roles/],
    ];
    for (const [client, message] of cases) {
      const err = await rejectionOf(startEmulator({ clients: [client as EmulatorClientOptions] }));
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.match(message);
    }
  });
});
