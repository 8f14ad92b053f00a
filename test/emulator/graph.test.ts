import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DEMO_USERS, startEmulator } from '../../lib/emulator/index.js';
import type { Emulator } from '../../lib/emulator/index.js';
import { getCode, json, jwtPayload, loginTokens, raw, redeem } from './helpers.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

describe('emulator: Microsoft Graph', () => {
  let emulator: Emulator;
  const tokens = new Map<string, string>();
  before(async () => {
    emulator = await startEmulator();
    for (const user of DEMO_USERS) tokens.set(user.key, String((await loginTokens(emulator, user.key))['access_token']));
  });
  after(async () => {
    await emulator.close();
  });

  function bearer(key: string): Record<string, string> {
    return { Authorization: `Bearer ${tokens.get(key) ?? ''}` };
  }

  it('GET /v1.0/me returns the default property set for each demo user', async () => {
    for (const user of DEMO_USERS) {
      const res = await raw(`${emulator.graphBaseURL}/me`, { headers: bearer(user.key) });
      assert.equal(res.status, 200, user.key);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.match(String(res.headers['request-id']), /^[0-9a-f-]{36}$/);
      const body = json(res);
      assert.deepEqual(Object.keys(body), [
        '@odata.context', 'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone',
        'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
      ]);
      assert.equal(body['@odata.context'], `${emulator.url}/v1.0/$metadata#users/$entity`);
      assert.equal(body['id'], user.graphId);
      assert.equal(body['displayName'], user.displayName);
      assert.equal(body['userPrincipalName'], user.userPrincipalName);
      assert.equal(body['mail'], user.mail);
    }
  });

  it('models personal accounts like Microsoft: CID id, mail null, nulls; gmail account with empty UPN', async () => {
    const personal = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('personal') }));
    assert.match(String(personal['id']), /^[0-9a-f]{16}$/);
    assert.equal(personal['mail'], null);
    assert.equal(personal['jobTitle'], null);
    assert.equal(personal['mobilePhone'], null);
    assert.deepEqual(personal['businessPhones'], []);
    assert.equal(personal['userPrincipalName'], 'avery.howard@outlook.com');
    const gmail = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('personal-gmail') }));
    assert.equal(gmail['userPrincipalName'], '');
    assert.equal(gmail['mail'], 'sam.rivera@gmail.com');
    const work = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('work') }));
    assert.equal(work['id'], DEMO_USERS.find((u) => u.key === 'work')?.oid);
    assert.deepEqual(work['businessPhones'], ['+1 425 555 0109']);
    const noEmail = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('no-email') }));
    assert.equal(noEmail['mail'], null);
  });

  it('serves /beta/me and $select', async () => {
    const beta = json(await raw(`${emulator.url}/beta/me`, { headers: bearer('work') }));
    assert.equal(beta['@odata.context'], `${emulator.url}/beta/$metadata#users/$entity`);
    const selected = json(await raw(`${emulator.graphBaseURL}/me?$select=id,mail`, { headers: bearer('work') }));
    assert.deepEqual(selected, { '@odata.context': `${emulator.url}/v1.0/$metadata#users(id,mail)/$entity`, id: DEMO_USERS[1]?.graphId, mail: 'AdeleV@contoso.com' });
  });

  it('401 InvalidAuthenticationToken for a missing, unknown or query-string token', async () => {
    const token = tokens.get('work') ?? '';
    for (const [label, url, headers] of [
      ['missing', `${emulator.graphBaseURL}/me`, {}],
      ['unknown', `${emulator.graphBaseURL}/me`, { Authorization: 'Bearer not-a-token' }],
      ['query', `${emulator.graphBaseURL}/me?access_token=${encodeURIComponent(token)}`, {}],
      ['wrong scheme', `${emulator.graphBaseURL}/me`, { Authorization: `Basic ${token}` }],
    ] as const) {
      const res = await raw(url, { headers: { ...headers, 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' } });
      assert.equal(res.status, 401, label);
      assert.match(String(res.headers['www-authenticate']), /^Bearer /);
      const error = json(res)['error'] as Record<string, unknown>;
      assert.equal(error['code'], 'InvalidAuthenticationToken');
      assert.equal(typeof error['message'], 'string');
      const inner = error['innerError'] as Record<string, unknown>;
      assert.match(String(inner['date']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.equal(inner['request-id'], res.headers['request-id']);
      assert.equal(inner['client-request-id'], 'c0ffee00-0000-4000-8000-000000000001');
    }
  });

  it('401 for an expired access token', async () => {
    const token = tokens.get('personal') ?? '';
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      clock.tick(3600_000);
      const res = await raw(`${emulator.graphBaseURL}/me`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401);
      assert.match(String((json(res)['error'] as Record<string, unknown>)['message']), /expired/);
    } finally {
      clock.restore();
    }
  });

  it('honours accessTokenLifetimeSeconds in expires_in', async () => {
    const short = await startEmulator({ accessTokenLifetimeSeconds: 120 });
    try {
      const body = json(await redeem(short, await getCode(short, 'work')));
      assert.equal(body['expires_in'], 120);
      assert.equal(body['ext_expires_in'], 120);
    } finally {
      await short.close();
    }
  });

  it('403 Authorization_RequestDenied for a token without User.Read', async () => {
    const body = json(await redeem(emulator, await getCode(emulator, 'work', { scope: 'openid api://other/read' })));
    assert.equal(body['scope'], 'openid api://other/read');
    const res = await raw(`${emulator.graphBaseURL}/me`, { headers: { Authorization: `Bearer ${String(body['access_token'])}` } });
    assert.equal(res.status, 403);
    assert.equal((json(res)['error'] as Record<string, unknown>)['code'], 'Authorization_RequestDenied');
  });

  it('serves photos with their content type, 404 ImageNotFound without photo', async () => {
    const png = await raw(`${emulator.graphBaseURL}/me/photo/$value`, { headers: bearer('personal') });
    assert.equal(png.status, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.deepEqual(png.body.subarray(0, 8), PNG_MAGIC);
    assert.deepEqual(png.body, DEMO_USERS[0]?.photo?.data);

    const jpeg = await raw(`${emulator.graphBaseURL}/me/photos/48x48/$value`, { headers: bearer('work') });
    assert.equal(jpeg.status, 200);
    assert.equal(jpeg.headers['content-type'], 'image/jpeg');
    assert.deepEqual(jpeg.body.subarray(0, 3), JPEG_MAGIC);
    assert.ok(jpeg.headers['request-id']);

    const encoded = await raw(`${emulator.graphBaseURL}/me/photos/648x648/%24value`, { headers: bearer('work') });
    assert.equal(encoded.status, 200);

    for (const key of ['guest', 'personal-gmail', 'no-email']) {
      const none = await raw(`${emulator.graphBaseURL}/me/photo/$value`, { headers: bearer(key) });
      assert.equal(none.status, 404, key);
      assert.equal((json(none)['error'] as Record<string, unknown>)['code'], 'ImageNotFound');
      assert.ok(none.headers['request-id']);
    }
    const badSize = await raw(`${emulator.graphBaseURL}/me/photos/50x50/$value`, { headers: bearer('work') });
    assert.equal(badSize.status, 404);
    const unauth = await raw(`${emulator.graphBaseURL}/me/photo/$value`);
    assert.equal(unauth.status, 401);
  });

  it('answers unknown Graph segments with 400 BadRequest and serves /oidc/userinfo', async () => {
    const res = await raw(`${emulator.graphBaseURL}/users`, { headers: bearer('work') });
    assert.equal(res.status, 400);
    assert.equal((json(res)['error'] as Record<string, unknown>)['code'], 'BadRequest');
    const body = await loginTokens(emulator, 'work');
    const info = json(await raw(`${emulator.url}/oidc/userinfo`, { headers: { Authorization: `Bearer ${String(body['access_token'])}` } }));
    assert.equal(info['sub'], jwtPayload(String(body['id_token']))['sub']);
    assert.equal(info['email'], 'AdeleV@contoso.com');
    assert.equal(info['given_name'], 'Adele');
  });
});
