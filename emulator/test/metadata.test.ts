import { expect } from 'chai';
import { CONSUMER_TENANT_ID, DEMO_TENANT_ID, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, jwtHeader, loginTokens, raw, REDIRECT } from './helpers.js';

describe('emulator: discovery, JWKS, logout', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function discovery(tenant: string): Promise<Record<string, unknown>> {
    const res = await raw(`${emulator.authority(tenant)}/v2.0/.well-known/openid-configuration`);
    expect(res.status).to.equal(200);
    expect(String(res.headers['content-type'])).to.match(/^application\/json/);
    return json(res);
  }

  async function keys(tenant: string): Promise<Array<Record<string, unknown>>> {
    const res = await raw(`${emulator.authority(tenant)}/discovery/v2.0/keys`);
    expect(res.status).to.equal(200);
    const body = json(res);
    expect(Array.isArray(body['keys'])).to.be.ok;
    return body['keys'] as Array<Record<string, unknown>>;
  }

  it('listens on 127.0.0.1 and exposes URLs', () => {
    expect(emulator.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.authority()).to.equal(`${emulator.url}/common`);
    expect(emulator.authority('consumers')).to.equal(`${emulator.url}/consumers`);
    expect(emulator.graphBaseURL).to.equal(`${emulator.url}/v1.0`);
    expect(emulator.issuer(DEMO_TENANT_ID)).to.equal(`${emulator.url}/${DEMO_TENANT_ID}/v2.0`);
  });

  it('uses the {tenantid} template issuer for common and organizations', async () => {
    for (const tenant of ['common', 'organizations']) {
      const doc = await discovery(tenant);
      expect(doc['issuer']).to.equal(`${emulator.url}/{tenantid}/v2.0`);
      expect(doc['authorization_endpoint']).to.equal(
        `${emulator.url}/${tenant}/oauth2/v2.0/authorize`,
      );
      expect(doc['token_endpoint']).to.equal(`${emulator.url}/${tenant}/oauth2/v2.0/token`);
      expect(doc['jwks_uri']).to.equal(`${emulator.url}/${tenant}/discovery/v2.0/keys`);
      expect(doc['end_session_endpoint']).to.equal(`${emulator.url}/${tenant}/oauth2/v2.0/logout`);
      expect(doc['id_token_signing_alg_values_supported']).to.deep.equal(['RS256']);
      expect(doc['subject_types_supported']).to.deep.equal(['pairwise']);
      expect(doc['code_challenge_methods_supported']).to.equal(undefined);
    }
  });

  it('uses concrete issuers for consumers, tenant GUIDs and domains', async () => {
    expect((await discovery('consumers'))['issuer']).to.equal(
      `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`,
    );
    expect((await discovery(CONSUMER_TENANT_ID))['issuer']).to.equal(
      `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`,
    );
    expect((await discovery(DEMO_TENANT_ID))['issuer']).to.equal(
      `${emulator.url}/${DEMO_TENANT_ID}/v2.0`,
    );
    const byDomain = await discovery('contoso.onmicrosoft.com');
    expect(byDomain['issuer']).to.equal(`${emulator.url}/${DEMO_TENANT_ID}/v2.0`);
    expect(byDomain['token_endpoint']).to.equal(
      `${emulator.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    );
  });

  it('answers 400 with an AADSTS90002 body for an unknown tenant', async () => {
    const res = await raw(
      `${emulator.authority('nowhere.example')}/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).to.equal(400);
    const body = json(res);
    expect(body['error_codes']).to.deep.equal([90002]);
  });

  it('serves a Microsoft-shaped JWKS: issuer per key, no alg, one consumer-bound key', async () => {
    const common = await keys('common');
    expect(common.length).to.equal(3);
    for (const key of common) {
      expect(key['kty']).to.equal('RSA');
      expect(key['use']).to.equal('sig');
      expect(typeof key['kid']).to.equal('string');
      expect(key['x5t']).to.equal(key['kid']);
      expect(key['e']).to.equal('AQAB');
      expect(String(key['n']).length >= 342, '2048-bit modulus').to.be.ok;
      expect('alg' in key).to.equal(false);
    }
    const issuers = common.map((k) => k['issuer']);
    expect(issuers.filter((i) => i === `${emulator.url}/{tenantid}/v2.0`).length).to.equal(2);
    expect(
      issuers.filter((i) => i === `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`).length,
    ).to.equal(1);
    expect(emulator.jwks()).to.deep.equal({ keys: common });
    expect((await keys('consumers')).length).to.equal(3);
    const orgs = await keys('organizations');
    expect(orgs.length).to.equal(2);
    expect(orgs.every((k) => k['issuer'] === `${emulator.url}/{tenantid}/v2.0`)).to.be.ok;
  });

  it('signs personal-account tokens with the consumer key and work tokens with the templated key', async () => {
    const common = await keys('common');
    const consumerKid = common.find((k) => k['issuer'] !== `${emulator.url}/{tenantid}/v2.0`)?.[
      'kid'
    ];
    const personal = await loginTokens(emulator, 'personal');
    const work = await loginTokens(emulator, 'work');
    expect(jwtHeader(String(personal['id_token']))['kid']).to.equal(consumerKid);
    const workKid = jwtHeader(String(work['id_token']))['kid'];
    expect(workKid).to.not.equal(consumerKid);
    expect(common.some((k) => k['kid'] === workKid)).to.be.ok;
  });

  it('rotateKeys adds a new active templated key; dropOld removes the previous ones', async () => {
    const before = await keys('common');
    const kid = await emulator.rotateKeys();
    const afterRotate = await keys('common');
    expect(afterRotate.length).to.equal(before.length + 1);
    const added = afterRotate.find((k) => k['kid'] === kid);
    expect(added?.['issuer']).to.equal(`${emulator.url}/{tenantid}/v2.0`);
    const work = await loginTokens(emulator, 'work');
    expect(jwtHeader(String(work['id_token']))['kid']).to.equal(kid);

    const kid2 = await emulator.rotateKeys({ dropOld: true });
    const dropped = await keys('common');
    expect(dropped.length).to.equal(2);
    expect(dropped.map((k) => k['kid']).sort()).to.deep.equal(
      [kid2, before.find((k) => String(k['issuer']).includes(CONSUMER_TENANT_ID))?.['kid']].sort(),
    );
    expect(dropped.some((k) => k['kid'] === kid)).to.equal(false);
  });

  it('logout redirects to a registered origin (with state) and otherwise shows the signed-out page', async () => {
    const ok = await raw(
      `${emulator.authority()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}&state=abc`,
    );
    expect(ok.status).to.equal(302);
    expect(ok.headers.location).to.equal('http://localhost:3000/?state=abc');
    const post = await raw(`${emulator.authority()}/oauth2/v2.0/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`,
    });
    expect(post.status).to.equal(302);
    expect(post.headers.location).to.equal(REDIRECT);
    const evil = await raw(
      `${emulator.authority()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(evil.status).to.equal(200);
    expect(evil.headers.location).to.equal(undefined);
    expect(evil.text).to.match(/You signed out of your account/);
    const none = await raw(`${emulator.authority()}/oauth2/v2.0/logout`);
    expect(none.text).to.match(/You signed out of your account/);
  });

  it('serves the /error lookup page and 404 for unknown paths', async () => {
    const page = await raw(`${emulator.url}/error?code=54005`);
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/AADSTS54005/);
    expect(page.text).to.match(/already redeemed/);
    const missing = await raw(`${emulator.url}/nope`);
    expect(missing.status).to.equal(404);
  });
});
