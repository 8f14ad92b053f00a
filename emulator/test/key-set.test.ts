import { generateKeyPairSync, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { CONSUMER_TENANT_ID, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { CLIENT_ID, SECRET, json, jwtHeader, postForm, raw } from './helpers.js';

/** The private keys of an emulator's key set, to start another one without generating keys. */
function keysOf(emulator: Emulator): KeyObject[] {
  return emulator.signingKeys().map((k) => k.privateKey);
}

const FABRIKAM = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('emulator: key set, token answers and tenants', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      tenants: [{ tenantId: FABRIKAM, domains: ['fabrikam.example'] }],
    });
  });
  after(async () => {
    await emulator.close();
  });

  async function served(tenant: string): Promise<Array<Record<string, unknown>>> {
    const res = await raw(`${emulator.authority(tenant)}/discovery/v2.0/keys`);
    expect(res.status, `JWKS of ${tenant}`).to.equal(200);
    return json(res)['keys'] as Array<Record<string, unknown>>;
  }

  function verifies(token: string, publicKey: KeyObject): boolean {
    const [h, p, s] = token.split('.');
    return verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s ?? '', 'base64url'));
  }

  it('signingKeys lists the published keys in key-set order with the JWK served', async () => {
    const keys = emulator.signingKeys();
    expect(keys.map((k) => k.jwk.issuer)).to.deep.equal([
      `${emulator.url}/{tenantid}/v2.0`,
      `${emulator.url}/{tenantid}/v2.0`,
      `${emulator.url}/${CONSUMER_TENANT_ID}/v2.0`,
    ]);
    expect(await served('common')).to.deep.equal(keys.map((k) => ({ ...k.jwk })));
    for (const key of keys) {
      expect(key.privateKey.type).to.equal('private');
      expect(key.publicKey.export({ format: 'jwk' }).n).to.equal(key.jwk.n);
    }
  });

  it('createSigningKey makes an unpublished key; publishKey appends it; unpublishKey removes it', async () => {
    const bound = await emulator.createSigningKey({
      issuer: emulator.issuer(FABRIKAM),
      kid: 'fab-1',
    });
    expect(bound.jwk).to.deep.include({ kid: 'fab-1', issuer: emulator.issuer(FABRIKAM) });
    // x5t stays the certificate's thumbprint when the kid is chosen.
    expect(bound.jwk.x5t).to.match(/^[A-Za-z0-9_-]{27}$/);
    const bare = await emulator.createSigningKey({ issuer: null });
    expect(bare.jwk).to.not.have.property('issuer');
    expect(bare.kid).to.match(/^[A-Za-z0-9_-]{27}$/);
    expect(emulator.signingKeys()).to.have.length(3);

    emulator.publishKey(bound);
    emulator.publishKey(bare);
    expect((await served('common')).map((k) => k['kid'])).to.deep.equal([
      ...emulator
        .signingKeys()
        .slice(0, 3)
        .map((k) => k.kid),
      'fab-1',
      bare.kid,
    ]);
    // Republishing a kid replaces the JWK in place (here: the issuer member changes).
    emulator.publishKey({ ...bound, jwk: { ...bound.jwk, issuer: 'https://elsewhere/v2.0' } });
    expect((await served('common')).find((k) => k['kid'] === 'fab-1')?.['issuer']).to.equal(
      'https://elsewhere/v2.0',
    );
    expect(emulator.unpublishKey('fab-1')).to.equal(true);
    expect(emulator.unpublishKey('fab-1')).to.equal(false);
    expect(emulator.unpublishKey(bare.kid)).to.equal(true);
    expect(await served('common')).to.have.length(3);
  });

  it('publishKey tenants: a key listed only by the JWKS of the tenants named (domains included)', async () => {
    const key = await emulator.createSigningKey({ issuer: emulator.issuer(FABRIKAM) });
    emulator.publishKey(key, { tenants: [FABRIKAM.toUpperCase()] });
    try {
      const kids = async (tenant: string): Promise<unknown[]> =>
        (await served(tenant)).map((k) => k['kid']);
      expect(await kids(FABRIKAM)).to.include(key.kid);
      expect(await kids('fabrikam.example')).to.include(key.kid);
      expect(await kids('common')).to.not.include(key.kid);
      expect(await kids('organizations')).to.not.include(key.kid);
      expect(emulator.jwks(FABRIKAM).keys.map((k) => k['kid'])).to.include(key.kid);
    } finally {
      emulator.unpublishKey(key.kid);
    }
  });

  it('the consumer-bound key is served at common and consumers only, until republished everywhere', async () => {
    const consumer = emulator.signingKeys()[2];
    if (!consumer) throw new Error('no consumer key');
    expect((await served('organizations')).map((k) => k['kid'])).to.not.include(consumer.kid);
    emulator.publishKey(consumer);
    try {
      expect((await served('organizations')).map((k) => k['kid'])).to.include(consumer.kid);
    } finally {
      emulator.publishKey(consumer, { tenants: ['common', 'consumers'] });
    }
    expect((await served(CONSUMER_TENANT_ID)).map((k) => k['kid'])).to.include(consumer.kid);
  });

  it('signIdToken signs with a given key, published or not, under the kid asked for', async () => {
    const stranger = await emulator.createSigningKey();
    const [first] = emulator.signingKeys();
    const token = await emulator.signIdToken(
      { sub: 's' },
      { key: stranger, kid: first?.kid ?? '' },
    );
    expect(jwtHeader(token)).to.deep.equal({ typ: 'JWT', alg: 'RS256', kid: first?.kid });
    expect(verifies(token, stranger.publicKey)).to.equal(true);
    expect(
      verifies(await emulator.signIdToken({ sub: 's' }, { key: stranger }), stranger.publicKey),
    ).to.equal(true);
  });

  it('keys option: the initial key set uses the private keys given, in order', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const given = [
      privateKey,
      ...emulator
        .signingKeys()
        .slice(1)
        .map((k) => k.privateKey),
    ];
    const other = await startEmulator({ keys: given });
    try {
      const keys = other.signingKeys();
      expect(keys.map((k) => k.privateKey)).to.deep.equal(given);
      expect(keys[0]?.jwk.issuer).to.equal(`${other.url}/{tenantid}/v2.0`);
      expect(keys[2]?.jwk.issuer).to.equal(`${other.url}/${CONSUMER_TENANT_ID}/v2.0`);
    } finally {
      await other.close();
    }
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let error: unknown;
    try {
      await startEmulator({ keys: [publicKey] });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(TypeError);
  });

  it('setTokenAnswer: a code answers once, a refresh token until cleared, after client authentication', async () => {
    const token = (form: Record<string, string>) =>
      postForm(`${emulator.authority(FABRIKAM)}/oauth2/v2.0/token`, {
        client_id: CLIENT_ID,
        client_secret: SECRET,
        ...form,
      });
    emulator.setTokenAnswer('code-1', { body: { access_token: 'at-1', id_token: 'forged' } });
    const first = await token({ grant_type: 'authorization_code', code: 'code-1' });
    expect(first.status).to.equal(200);
    expect(json(first)).to.deep.equal({ access_token: 'at-1', id_token: 'forged' });
    const again = await token({ grant_type: 'authorization_code', code: 'code-1' });
    expect(json(again)['error']).to.equal('invalid_grant');

    emulator.setTokenAnswer('rt-1', { status: 400, body: { error: 'invalid_grant' } });
    for (let i = 0; i < 2; i++) {
      const res = await token({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
      expect([res.status, json(res)]).to.deep.equal([400, { error: 'invalid_grant' }]);
    }
    const wrongSecret = await token({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_secret: 'wrong',
    });
    expect(json(wrongSecret)['error']).to.equal('invalid_client');
    emulator.setTokenAnswer('rt-1', null);
    const cleared = await token({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    expect(json(cleared)['error_codes']).to.deep.equal([9002313]);
  });

  it('tenants and addTenant: ids and domains become tenant paths with concrete issuers', async () => {
    const discovery = async (tenant: string) =>
      raw(`${emulator.authority(tenant)}/v2.0/.well-known/openid-configuration`);
    expect(json(await discovery('fabrikam.example'))['issuer']).to.equal(emulator.issuer(FABRIKAM));
    const tailspin = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
    expect((await discovery('tailspin.example')).status).to.equal(400);
    emulator.addTenant({ tenantId: tailspin, domains: ['tailspin.example'] });
    expect(json(await discovery('tailspin.example'))['issuer']).to.equal(emulator.issuer(tailspin));
    expect((await discovery(tailspin)).status).to.equal(200);
    expect(() => emulator.addTenant({ tenantId: 'not-a-guid' })).to.throw(TypeError, /not a GUID/);
    // A domain belongs to the tenant that named it last; re-adding a tenant replaces it.
    emulator.addTenant({ tenantId: FABRIKAM, domains: ['fabrikam.example', 'tailspin.example'] });
    expect(json(await discovery('tailspin.example'))['issuer']).to.equal(emulator.issuer(FABRIKAM));
    emulator.addTenant({ tenantId: FABRIKAM, domains: ['fabrikam.example'] });
    expect((await discovery('tailspin.example')).status).to.equal(400);
    expect((await discovery('cccccccc-dddd-4eee-8fff-000000000000')).status).to.equal(400);
  });

  it('anyTenantId: every GUID is a work tenant', async () => {
    const open = await startEmulator({ anyTenantId: true, keys: keysOf(emulator) });
    try {
      const tid = 'cccccccc-dddd-4eee-8fff-000000000000';
      const res = await raw(`${open.authority(tid)}/v2.0/.well-known/openid-configuration`);
      expect(json(res)['issuer']).to.equal(open.issuer(tid));
      expect((await raw(`${open.authority(tid)}/discovery/v2.0/keys`)).status).to.equal(200);
      expect(
        (await raw(`${open.authority('unknown.example')}/discovery/v2.0/keys`)).status,
      ).to.equal(400);
    } finally {
      await open.close();
    }
  });
});
