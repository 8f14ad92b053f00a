import { expect } from 'chai';
import sinon from 'sinon';
import { DEMO_USERS, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { getCode, json, jwtPayload, loginTokens, raw, redeem } from './helpers.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('emulator: Microsoft Graph', () => {
  let emulator: Emulator;
  const tokens = new Map<string, string>();
  before(async () => {
    emulator = await startEmulator();
    // A guest is reached through its tenant; through common it would sign in as its home account.
    for (const user of DEMO_USERS)
      tokens.set(
        user.key,
        String(
          (await loginTokens(emulator, user.key, {}, user.kind === 'guest' ? user.tid : 'common'))[
            'access_token'
          ],
        ),
      );
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
      expect(res.status, user.key).to.equal(200);
      expect(String(res.headers['content-type'])).to.match(/^application\/json/);
      expect(String(res.headers['request-id'])).to.match(/^[0-9a-f-]{36}$/);
      const body = json(res);
      expect(Object.keys(body)).to.deep.equal([
        '@odata.context',
        'businessPhones',
        'displayName',
        'givenName',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
        'id',
      ]);
      expect(body['@odata.context']).to.equal(`${emulator.url}/v1.0/$metadata#users/$entity`);
      expect(body['id']).to.equal(user.graphId);
      expect(body['displayName']).to.equal(user.displayName);
      expect(body['userPrincipalName']).to.equal(user.userPrincipalName);
      expect(body['mail']).to.equal(user.mail);
    }
  });

  it('models personal accounts like Microsoft: CID id, mail null, nulls; gmail account with empty UPN', async () => {
    const personal = json(
      await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('personal') }),
    );
    expect(String(personal['id'])).to.match(/^[0-9a-f]{16}$/);
    expect(personal['mail']).to.equal(null);
    expect(personal['jobTitle']).to.equal(null);
    expect(personal['mobilePhone']).to.equal(null);
    expect(personal['businessPhones']).to.deep.equal([]);
    expect(personal['userPrincipalName']).to.equal('avery.howard@outlook.com');
    const gmail = json(
      await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('personal-gmail') }),
    );
    expect(gmail['userPrincipalName']).to.equal('sam.rivera@gmail.com');
    expect(gmail['mail']).to.equal(null);
    const work = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('work') }));
    expect(work['id']).to.equal(DEMO_USERS.find((u) => u.key === 'work')?.oid);
    expect(work['businessPhones']).to.deep.equal(['+1 425 555 0109']);
    const noEmail = json(await raw(`${emulator.graphBaseURL}/me`, { headers: bearer('no-email') }));
    expect(noEmail['mail']).to.equal(null);
  });

  it('serves /beta/me and $select', async () => {
    const beta = json(await raw(`${emulator.url}/beta/me`, { headers: bearer('work') }));
    expect(beta['@odata.context']).to.equal(`${emulator.url}/beta/$metadata#users/$entity`);
    const selected = json(
      await raw(`${emulator.graphBaseURL}/me?$select=id,mail`, { headers: bearer('work') }),
    );
    expect(selected).to.deep.equal({
      '@odata.context': `${emulator.url}/v1.0/$metadata#users(id,mail)/$entity`,
      id: DEMO_USERS[1]?.graphId,
      mail: 'AdeleV@contoso.com',
    });
  });

  it('401 InvalidAuthenticationToken for a missing, unknown or query-string token', async () => {
    const token = tokens.get('work') ?? '';
    for (const [label, url, headers] of [
      ['missing', `${emulator.graphBaseURL}/me`, {}],
      ['unknown', `${emulator.graphBaseURL}/me`, { Authorization: 'Bearer not-a-token' }],
      ['query', `${emulator.graphBaseURL}/me?access_token=${encodeURIComponent(token)}`, {}],
      ['wrong scheme', `${emulator.graphBaseURL}/me`, { Authorization: `Basic ${token}` }],
    ] as const) {
      const res = await raw(url, {
        headers: { ...headers, 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
      });
      expect(res.status, label).to.equal(401);
      expect(String(res.headers['www-authenticate'])).to.match(/^Bearer /);
      const error = json(res)['error'] as Record<string, unknown>;
      expect(error['code']).to.equal('InvalidAuthenticationToken');
      expect(typeof error['message']).to.equal('string');
      const inner = error['innerError'] as Record<string, unknown>;
      expect(String(inner['date'])).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(inner['request-id']).to.equal(res.headers['request-id']);
      expect(inner['client-request-id']).to.equal('c0ffee00-0000-4000-8000-000000000001');
    }
  });

  it('401 for an expired access token', async () => {
    const token = tokens.get('personal') ?? '';
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      clock.tick(5400_000); // past the longest lifetime (90 minutes)
      const res = await raw(`${emulator.graphBaseURL}/me`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).to.equal(401);
      expect(String((json(res)['error'] as Record<string, unknown>)['message'])).to.match(
        /expired/,
      );
    } finally {
      clock.restore();
    }
  });

  it('honours accessTokenLifetimeSeconds in expires_in', async () => {
    const short = await startEmulator({ accessTokenLifetimeSeconds: 120 });
    try {
      const body = json(await redeem(short, await getCode(short, 'work')));
      expect(body['expires_in']).to.equal(120);
      expect(body['ext_expires_in']).to.equal(120);
    } finally {
      await short.close();
    }
  });

  it('403 Authorization_RequestDenied for a token without User.Read', async () => {
    const body = json(
      await redeem(emulator, await getCode(emulator, 'work', { scope: 'openid api://other/read' })),
    );
    expect(body['scope']).to.equal('openid api://other/read');
    const res = await raw(`${emulator.graphBaseURL}/me`, {
      headers: { Authorization: `Bearer ${String(body['access_token'])}` },
    });
    expect(res.status).to.equal(403);
    expect((json(res)['error'] as Record<string, unknown>)['code']).to.equal(
      'Authorization_RequestDenied',
    );
  });

  it('serves photos with their content type, 404 ImageNotFound without photo', async () => {
    const png = await raw(`${emulator.graphBaseURL}/me/photo/$value`, {
      headers: bearer('personal'),
    });
    expect(png.status).to.equal(200);
    expect(png.headers['content-type']).to.equal('image/png');
    expect(png.body.subarray(0, 8)).to.deep.equal(PNG_MAGIC);
    expect(png.body).to.deep.equal(DEMO_USERS[0]?.photo?.data);

    const sized = await raw(`${emulator.graphBaseURL}/me/photos/48x48/$value`, {
      headers: bearer('work'),
    });
    expect(sized.status).to.equal(200);
    expect(sized.headers['content-type']).to.equal('image/png');
    expect(sized.body.subarray(0, 8)).to.deep.equal(PNG_MAGIC);
    expect(sized.headers['request-id']).to.be.ok;

    const encoded = await raw(`${emulator.graphBaseURL}/me/photos/648x648/%24value`, {
      headers: bearer('work'),
    });
    expect(encoded.status).to.equal(200);

    for (const key of ['guest', 'personal-gmail', 'no-email']) {
      const none = await raw(`${emulator.graphBaseURL}/me/photo/$value`, { headers: bearer(key) });
      expect(none.status, key).to.equal(404);
      expect((json(none)['error'] as Record<string, unknown>)['code']).to.equal('ImageNotFound');
      expect(none.headers['request-id']).to.be.ok;
    }
    const badSize = await raw(`${emulator.graphBaseURL}/me/photos/50x50/$value`, {
      headers: bearer('work'),
    });
    expect(badSize.status).to.equal(404);
    const unauth = await raw(`${emulator.graphBaseURL}/me/photo/$value`);
    expect(unauth.status).to.equal(401);
  });

  it('answers unknown Graph segments with 400 BadRequest and serves /oidc/userinfo', async () => {
    const res = await raw(`${emulator.graphBaseURL}/users`, { headers: bearer('work') });
    expect(res.status).to.equal(400);
    expect((json(res)['error'] as Record<string, unknown>)['code']).to.equal('BadRequest');
    const body = await loginTokens(emulator, 'work');
    const info = json(
      await raw(`${emulator.url}/oidc/userinfo`, {
        headers: { Authorization: `Bearer ${String(body['access_token'])}` },
      }),
    );
    expect(info['sub']).to.equal(jwtPayload(String(body['id_token']))['sub']);
    expect(info['email']).to.equal('AdeleV@contoso.com');
    expect(info['given_name']).to.equal('Adele');
  });

  it('answers 405 Request_BadRequest to methods an endpoint does not take; userinfo takes GET and POST', async () => {
    const refused: [string, string][] = [
      ['POST', `${emulator.graphBaseURL}/me`],
      ['DELETE', `${emulator.graphBaseURL}/me`],
      ['PUT', `${emulator.graphBaseURL}/me/photo/$value`],
      ['DELETE', `${emulator.graphBaseURL}/me/photos/48x48/$value`],
      ['PUT', `${emulator.url}/oidc/userinfo`],
    ];
    for (const [method, url] of refused) {
      const res = await raw(url, { method, headers: bearer('work') });
      expect(res.status, `${method} ${url}`).to.equal(405);
      expect((json(res)['error'] as Record<string, unknown>)['code'], `${method} ${url}`).to.equal(
        'Request_BadRequest',
      );
    }
    const posted = await raw(`${emulator.url}/oidc/userinfo`, {
      method: 'POST',
      headers: bearer('work'),
    });
    expect(posted.status).to.equal(200);
    expect(json(posted)['email']).to.equal('AdeleV@contoso.com');
    expect(
      (await raw(`${emulator.graphBaseURL}/me/photo/$value`, { headers: bearer('work') })).status,
    ).to.equal(200);
  });
});
