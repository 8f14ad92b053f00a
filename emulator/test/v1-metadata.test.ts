/**
 * The v1 metadata and key set of workforce tenant paths, which APIs validate v1 access tokens
 * against: issuer `<origin>/{tenantid}/` (or `<origin>/<tid>/`), keys without `issuer` members;
 * the v2 key set keeps them.
 */
import { expect } from 'chai';
import { CONSUMER_TENANT_ID, DEMO_TENANT_ID, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, raw } from './helpers.js';

describe('emulator: v1 metadata and key set', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function metadata(tenant: string): Promise<Record<string, unknown>> {
    const res = await raw(`${emulator.authority(tenant)}/.well-known/openid-configuration`);
    expect(res.status, tenant).to.equal(200);
    return json(res);
  }

  async function keys(url: string): Promise<Array<Record<string, unknown>>> {
    const res = await raw(url);
    expect(res.status, url).to.equal(200);
    return json(res)['keys'] as Array<Record<string, unknown>>;
  }

  it('issuer <origin>/{tenantid}/ for common and organizations, <origin>/<tid>/ for one tenant', async () => {
    for (const tenant of ['common', 'organizations']) {
      const doc = await metadata(tenant);
      expect(doc['issuer'], tenant).to.equal(`${emulator.url}/{tenantid}/`);
      expect(doc['jwks_uri'], tenant).to.equal(`${emulator.authority(tenant)}/discovery/keys`);
    }
    for (const tenant of [DEMO_TENANT_ID, 'contoso.com']) {
      const doc = await metadata(tenant);
      expect(doc['issuer'], tenant).to.equal(`${emulator.url}/${DEMO_TENANT_ID}/`);
      expect(doc['jwks_uri'], tenant).to.equal(`${emulator.url}/${DEMO_TENANT_ID}/discovery/keys`);
    }
    expect((await metadata('consumers'))['issuer']).to.equal(
      `${emulator.url}/${CONSUMER_TENANT_ID}/`,
    );
  });

  it('v1 keys: no issuer members, no consumer-bound key; v2 keys keep their issuer members', async () => {
    const v1 = await keys(`${emulator.authority('common')}/discovery/keys`);
    const v2 = await keys(`${emulator.authority('common')}/discovery/v2.0/keys`);
    expect(v2.every((k) => typeof k['issuer'] === 'string')).to.equal(true);
    expect(v1.some((k) => 'issuer' in k)).to.equal(false);
    const templated = v2.filter((k) => String(k['issuer']).includes('{tenantid}'));
    expect(v1.map((k) => k['kid'])).to.deep.equal(templated.map((k) => k['kid']));
    expect(v1[0]).to.have.keys(['kty', 'use', 'kid', 'x5t', 'n', 'e', 'x5c']);
  });

  it('counts as the discovery and jwks routes; unknown and customer tenants get 400 AADSTS90002', async () => {
    emulator.resetCounts();
    await metadata('common');
    await keys(`${emulator.authority('common')}/discovery/keys`);
    expect(emulator.requests('discovery')).to.equal(1);
    expect(emulator.requests('jwks')).to.equal(1);
    for (const url of [
      `${emulator.authority('nowhere.example')}/.well-known/openid-configuration`,
      `${emulator.externalIdAuthority()}/discovery/keys`,
    ]) {
      const res = await raw(url);
      expect(res.status, url).to.equal(400);
      expect(json(res)['error_codes']).to.deep.equal([90002]);
    }
  });
});
