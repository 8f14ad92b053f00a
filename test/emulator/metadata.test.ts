import assert from 'node:assert/strict';
import { CONSUMER_TENANT_ID, DEMO_TENANT_ID, startEmulator } from '../../lib/emulator/index.js';
import type { Emulator } from '../../lib/emulator/index.js';
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
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    return json(res);
  }

  async function keys(tenant: string): Promise<Array<Record<string, unknown>>> {
    const res = await raw(`${emulator.authority(tenant)}/discovery/v2.0/keys`);
    assert.equal(res.status, 200);
    const body = json(res);
    assert.ok(Array.isArray(body['keys']));
    return body['keys'] as Array<Record<string, unknown>>;
  }

  it('listens on 127.0.0.1 and exposes URLs', () => {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emulator.authority(), `${emulator.url}/common`);
    assert.equal(emulator.authority('consumers'), `${emulator.url}/consumers`);
    assert.equal(emulator.graphBaseURL, `${emulator.url}/v1.0`);
    assert.equal(emulator.issuer(DEMO_TENANT_ID), `${emulator.url}/${DEMO_TENANT_ID}/v2.0`);
  });

  it('uses the {tenantid} template issuer for common and organizations', async () => {
    for (const tenant of ['common', 'organizations']) {
      const doc = await discovery(tenant);
      assert.equal(doc['issuer'], `${emulator.url}/{tenantid}/v2.0`);
      assert.equal(doc['authorization_endpoint'], `${emulator.url}/${tenant}/oauth2/v2.0/authorize`);
      assert.equal(doc['token_endpoint'], `${emulator.url}/${tenant}/oauth2/v2.0/token`);
      assert.equal(doc['jwks_uri'], `${emulator.url}/${tenant}/discovery/v2.0/keys`);
      assert.equal(doc['end_session_endpoint'], `${emulator.url}/${tenant}/oauth2/v2.0/logout`);
      assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['RS256']);
      assert.deepEqual(doc['subject_types_supported'], ['pairwise']);
      assert.equal(doc['code_challenge_methods_supported'], undefined);
    }
  });

  it('uses concrete issuers for consumers, tenant GUIDs and domains', async () => {
    assert.equal((await discovery('consumers'))['issuer'], `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`);
    assert.equal((await discovery(CONSUMER_TENANT_ID))['issuer'], `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`);
    assert.equal((await discovery(DEMO_TENANT_ID))['issuer'], `${emulator.url}/${DEMO_TENANT_ID}/v2.0`);
    const byDomain = await discovery('contoso.onmicrosoft.com');
    assert.equal(byDomain['issuer'], `${emulator.url}/${DEMO_TENANT_ID}/v2.0`);
    assert.equal(byDomain['token_endpoint'], `${emulator.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`);
  });

  it('answers 400 with an AADSTS90002 body for an unknown tenant', async () => {
    const res = await raw(`${emulator.authority('nowhere.example')}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 400);
    const body = json(res);
    assert.deepEqual(body['error_codes'], [90002]);
  });

  it('serves a Microsoft-shaped JWKS: issuer per key, no alg, one consumer-bound key', async () => {
    const common = await keys('common');
    assert.equal(common.length, 3);
    for (const key of common) {
      assert.equal(key['kty'], 'RSA');
      assert.equal(key['use'], 'sig');
      assert.equal(typeof key['kid'], 'string');
      assert.equal(key['x5t'], key['kid']);
      assert.equal(key['e'], 'AQAB');
      assert.ok(String(key['n']).length >= 342, '2048-bit modulus');
      assert.equal('alg' in key, false);
    }
    const issuers = common.map((k) => k['issuer']);
    assert.equal(issuers.filter((i) => i === `${emulator.url}/{tenantid}/v2.0`).length, 2);
    assert.equal(issuers.filter((i) => i === `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`).length, 1);
    assert.deepEqual(emulator.jwks(), { keys: common });
    assert.equal((await keys('consumers')).length, 3);
    const orgs = await keys('organizations');
    assert.equal(orgs.length, 2);
    assert.ok(orgs.every((k) => k['issuer'] === `${emulator.url}/{tenantid}/v2.0`));
  });

  it('signs personal-account tokens with the consumer key and work tokens with the templated key', async () => {
    const common = await keys('common');
    const consumerKid = common.find((k) => k['issuer'] !== `${emulator.url}/{tenantid}/v2.0`)?.['kid'];
    const personal = await loginTokens(emulator, 'personal');
    const work = await loginTokens(emulator, 'work');
    assert.equal(jwtHeader(String(personal['id_token']))['kid'], consumerKid);
    const workKid = jwtHeader(String(work['id_token']))['kid'];
    assert.notEqual(workKid, consumerKid);
    assert.ok(common.some((k) => k['kid'] === workKid));
  });

  it('rotateKeys adds a new active templated key; dropOld removes the previous ones', async () => {
    const before = await keys('common');
    const kid = await emulator.rotateKeys();
    const afterRotate = await keys('common');
    assert.equal(afterRotate.length, before.length + 1);
    const added = afterRotate.find((k) => k['kid'] === kid);
    assert.equal(added?.['issuer'], `${emulator.url}/{tenantid}/v2.0`);
    const work = await loginTokens(emulator, 'work');
    assert.equal(jwtHeader(String(work['id_token']))['kid'], kid);

    const kid2 = await emulator.rotateKeys({ dropOld: true });
    const dropped = await keys('common');
    assert.equal(dropped.length, 2);
    assert.deepEqual(dropped.map((k) => k['kid']).sort(), [kid2, before.find((k) => String(k['issuer']).includes(CONSUMER_TENANT_ID))?.['kid']].sort());
    assert.equal(dropped.some((k) => k['kid'] === kid), false);
  });

  it('logout redirects to a registered origin (with state) and otherwise shows the signed-out page', async () => {
    const ok = await raw(
      `${emulator.authority()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}&state=abc`,
    );
    assert.equal(ok.status, 302);
    assert.equal(ok.headers.location, 'http://localhost:3000/?state=abc');
    const post = await raw(`${emulator.authority()}/oauth2/v2.0/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`,
    });
    assert.equal(post.status, 302);
    assert.equal(post.headers.location, REDIRECT);
    const evil = await raw(`${emulator.authority()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`);
    assert.equal(evil.status, 200);
    assert.equal(evil.headers.location, undefined);
    assert.match(evil.text, /You signed out of your account/);
    const none = await raw(`${emulator.authority()}/oauth2/v2.0/logout`);
    assert.match(none.text, /You signed out of your account/);
  });

  it('serves the /error lookup page and 404 for unknown paths', async () => {
    const page = await raw(`${emulator.url}/error?code=54005`);
    assert.equal(page.status, 200);
    assert.match(page.text, /AADSTS54005/);
    assert.match(page.text, /already redeemed/);
    const missing = await raw(`${emulator.url}/nope`);
    assert.equal(missing.status, 404);
  });
});
