import { expect } from 'chai';
import {
  B2C_TENANT_ID,
  DEFAULT_CLIENT,
  EXTERNAL_ID_TENANT_ID,
  completeLogin,
  startEmulator,
} from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, jwtPayload, postForm, raw } from './helpers.js';

const REDIRECT = 'http://localhost:3000/login/callback';

describe('emulator: External ID and B2C customer tenants', () => {
  let emulator: Emulator;
  let port: string;
  before(async () => {
    emulator = await startEmulator();
    port = new URL(emulator.url).port;
  });
  after(() => emulator.close());
  afterEach(() => emulator.clearFaults());

  async function idTokenClaims(authority: string): Promise<Record<string, unknown>> {
    const url = new URL(`${authority}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: DEFAULT_CLIENT.clientID,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile email offline_access',
      nonce: 'n-1',
    }))
      url.searchParams.set(k, v);
    const answer = await completeLogin(url.href, 'work');
    if (answer.kind !== 'redirect') throw new Error(answer.kind);
    const code = new URL(answer.location).searchParams.get('code') ?? '';
    const res = await postForm(`${authority}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: DEFAULT_CLIENT.clientID,
      client_secret: DEFAULT_CLIENT.clientSecret,
      code,
      redirect_uri: REDIRECT,
    });
    expect(res.status, res.text).to.equal(200);
    return jwtPayload(json(res)['id_token'] as string);
  }

  it('serves the External ID discovery document with its ciamlogin-style issuer', async () => {
    const authority = emulator.externalIdAuthority();
    const doc = json(await raw(`${authority}/v2.0/.well-known/openid-configuration`));
    expect(doc).to.deep.include({
      issuer: `http://${EXTERNAL_ID_TENANT_ID}.ciamlogin.localhost:${port}/${EXTERNAL_ID_TENANT_ID}/v2.0`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    });
    const keys = json(await raw(doc['jwks_uri'] as string))['keys'];
    expect(keys).to.be.an('array').that.is.not.empty;
  });

  it('issues External ID tokens with its issuer and tenant id', async () => {
    const claims = await idTokenClaims(emulator.externalIdAuthority());
    expect(claims['iss']).to.equal(
      `http://${EXTERNAL_ID_TENANT_ID}.ciamlogin.localhost:${port}/${EXTERNAL_ID_TENANT_ID}/v2.0`,
    );
    expect(claims['tid']).to.equal(EXTERNAL_ID_TENANT_ID);
  });

  it('issues B2C tokens per user flow, with emails and tfp', async () => {
    const authority = emulator.b2cAuthority('B2C_1_profileedit');
    const doc = json(await raw(`${authority}/v2.0/.well-known/openid-configuration`));
    expect(doc['issuer']).to.equal(`http://b2clogin.localhost:${port}/${B2C_TENANT_ID}/v2.0/`);
    const claims = await idTokenClaims(authority);
    expect(claims['iss']).to.equal(doc['issuer']);
    expect(claims['tfp']).to.equal('B2C_1_profileedit');
    expect(claims['emails']).to.be.an('array').with.length(1);
    expect(claims).not.to.have.property('preferred_username');
  });

  it('answers an unknown user flow with AADSTS90002', async () => {
    const res = await raw(
      `${emulator.url}/b2c/fabrikamb2c.onmicrosoft.com/B2C_1_nope/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).to.equal(400);
    expect(json(res)['error_codes']).to.deep.equal([90002]);
  });

  it('applies discovery faults to the customer documents', async () => {
    emulator.setFault('discovery', { type: 'malformed-json' }, { times: 1 });
    const res = await raw(
      `${emulator.externalIdAuthority()}/v2.0/.well-known/openid-configuration`,
    );
    expect(() => JSON.parse(res.text) as unknown).to.throw();
  });
});
