import { expect } from 'chai';
import {
  completeLogin,
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_ID,
  DEMO_USERS,
  startEmulator,
} from '../src/index.js';
import type { CompleteLoginResult, Emulator } from '../src/index.js';
import { authorizeUrl, jwtPayload, loginTokens, pkce, postForm, raw, REDIRECT } from './helpers.js';

function redirectParams(result: CompleteLoginResult): URLSearchParams {
  expect(result.kind).to.equal('redirect');
  if (result.kind !== 'redirect') throw new Error('unreachable');
  return new URL(result.location).searchParams;
}

/** The account keys listed on a sign-in page. */
function listed(html: string): string[] {
  return [...html.matchAll(/data-account="([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('emulator: authorize endpoint', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  it('renders the account picker under common with every account but the guest, which signs in at home', async () => {
    const res = await raw(authorizeUrl(emulator));
    expect(res.status).to.equal(200);
    expect(String(res.headers['content-type'])).to.match(/^text\/html/);
    expect(res.text).to.match(/<title>Sign in to your account<\/title>/);
    expect(listed(res.text)).to.deep.equal([
      'personal',
      'work',
      'personal-gmail',
      'no-email',
      'guest-home',
    ]);
    expect(res.text).to.match(/Avery Howard/);
    expect(res.text).to.match(/AdeleV@contoso\.com/);
    expect(res.text).to.match(/id="cancel"/);
    expect(res.text).to.match(/<input type="hidden" name="txn" value="[^"]+">/);
  });

  it('sets the sign-in page language from mkt, else the first ui_locales tag, else English', async () => {
    const lang = async (extra: Record<string, string>): Promise<string | undefined> =>
      /<html lang="([^"]*)">/.exec((await raw(authorizeUrl(emulator, extra))).text)?.[1];
    expect(await lang({})).to.equal('en');
    expect(await lang({ mkt: 'fr-FR' })).to.equal('fr-FR');
    expect(await lang({ ui_locales: 'de-DE en' })).to.equal('de-DE');
    expect(await lang({ mkt: 'ja-JP', ui_locales: 'de-DE' })).to.equal('ja-JP');
    expect(await lang({ mkt: '"><script>', ui_locales: 'nl' })).to.equal('nl');
    expect(await lang({ mkt: 'not a tag' })).to.equal('en');
  });

  it('shows AADSTS700016 for an unknown client, without redirect', async () => {
    const result = await completeLogin(
      authorizeUrl(emulator, { client_id: '00000000-1111-2222-3333-444444444444' }),
      'work',
    );
    expect(result.kind).to.equal('error_page');
    if (result.kind === 'error_page') {
      expect(result.code).to.equal(700016);
      expect(result.status).to.equal(400);
    }
  });

  it('shows the AADSTS50011 page (400, no Location) on a redirect URI mismatch', async () => {
    for (const uri of [
      'http://localhost:3000/other/callback',
      'https://localhost/login/callback',
      'http://localhost:3000/login/callback/',
      'http://example.com/login/callback',
    ]) {
      const res = await raw(authorizeUrl(emulator, { redirect_uri: uri }));
      expect(res.status, uri).to.equal(400);
      expect(res.headers.location).to.equal(undefined);
      expect(res.text).to.match(/AADSTS50011/);
      expect(res.text).to.match(/<meta name="aadsts" content="50011">/);
      expect(res.text.includes(uri.replace(/&/g, '&amp;'))).to.be.ok;
    }
  });

  it('ignores the port of loopback redirect URIs', async () => {
    for (const uri of [
      'http://localhost:3000/login/callback',
      'http://127.0.0.1:49152/auth/microsoft/callback',
      'http://localhost/login/callback',
    ]) {
      const params = redirectParams(
        await completeLogin(authorizeUrl(emulator, { redirect_uri: uri }), 'work'),
      );
      expect(params.get('code'), uri).to.be.ok;
    }
  });

  it('redirects invalid_request when scope is missing, unsupported_response_type for token', async () => {
    const noScope = await raw(authorizeUrl(emulator, { scope: undefined }));
    expect(noScope.status).to.equal(302);
    const p1 = new URL(String(noScope.headers.location)).searchParams;
    expect(p1.get('error')).to.equal('invalid_request');
    expect(p1.get('error_description') ?? '').to.match(/^AADSTS900144: .*'scope'/);
    expect(p1.get('state')).to.equal('st-123');
    expect(p1.get('error_uri')).to.equal(`${emulator.url}/error?code=900144`);

    const token = await raw(authorizeUrl(emulator, { response_type: 'token' }));
    const p2 = new URL(String(token.headers.location)).searchParams;
    expect(p2.get('error')).to.equal('unsupported_response_type');
  });

  it('rejects an unknown code_challenge_method and an invalid prompt', async () => {
    const { challenge } = pkce();
    const bad = await raw(
      authorizeUrl(emulator, { code_challenge: challenge, code_challenge_method: 'S512' }),
    );
    expect(new URL(String(bad.headers.location)).searchParams.get('error')).to.equal(
      'invalid_request',
    );
    const prompt = await raw(authorizeUrl(emulator, { prompt: 'bogus' }));
    expect(new URL(String(prompt.headers.location)).searchParams.get('error')).to.equal(
      'invalid_request',
    );
  });

  it('highlights the login_hint account', async () => {
    const res = await raw(authorizeUrl(emulator, { login_hint: 'adelev@contoso.com' }));
    expect(res.text).to.match(/<li class="hinted" data-account="work">/);
    expect((res.text.match(/class="hinted"/g) ?? []).length).to.equal(1);
    const none = await raw(authorizeUrl(emulator));
    expect(none.text.includes('class="hinted"')).to.equal(false);
  });

  it('prompt=none signs in silently with a known login_hint, else login_required', async () => {
    const silent = await raw(
      authorizeUrl(emulator, { prompt: 'none', login_hint: 'avery.howard@outlook.com' }),
    );
    expect(silent.status).to.equal(302);
    const ok = new URL(String(silent.headers.location));
    expect(ok.origin + ok.pathname).to.equal(REDIRECT);
    expect(ok.searchParams.get('code')).to.be.ok;
    expect(ok.searchParams.get('state')).to.equal('st-123');

    const noHint = await raw(authorizeUrl(emulator, { prompt: 'none' }));
    const p = new URL(String(noHint.headers.location)).searchParams;
    expect(p.get('error')).to.equal('login_required');
    expect(p.get('error_description') ?? '').to.match(/^AADSTS50058: /);

    const wrongTenant = await raw(
      authorizeUrl(
        emulator,
        { prompt: 'none', login_hint: 'avery.howard@outlook.com' },
        'organizations',
      ),
    );
    expect(new URL(String(wrongTenant.headers.location)).searchParams.get('error')).to.equal(
      'login_required',
    );
  });

  it('prompt=select_account/login/consent still show the page', async () => {
    for (const prompt of ['select_account', 'login', 'consent']) {
      const res = await raw(authorizeUrl(emulator, { prompt }));
      expect(res.status, prompt).to.equal(200);
      expect(res.text).to.match(/Sign in to your account/);
    }
  });

  it('filters accounts with domain_hint', async () => {
    expect(
      listed((await raw(authorizeUrl(emulator, { domain_hint: 'consumers' }))).text),
    ).to.deep.equal(['personal', 'personal-gmail', 'guest-home']);
    expect(
      listed((await raw(authorizeUrl(emulator, { domain_hint: 'organizations' }))).text),
    ).to.deep.equal(['work', 'no-email']);
  });

  it('applies tenant rules to the list', async () => {
    expect(listed((await raw(authorizeUrl(emulator, {}, 'consumers'))).text)).to.deep.equal([
      'personal',
      'personal-gmail',
      'guest-home',
    ]);
    expect(listed((await raw(authorizeUrl(emulator, {}, 'organizations'))).text)).to.deep.equal([
      'work',
      'no-email',
    ]);
    expect(listed((await raw(authorizeUrl(emulator, {}, DEMO_TENANT_ID))).text)).to.deep.equal([
      'work',
      'guest',
      'no-email',
    ]);
    expect(listed((await raw(authorizeUrl(emulator, {}, 'contoso.com'))).text)).to.deep.equal([
      'work',
      'guest',
      'no-email',
    ]);
  });

  it('signs a guest in as its home account through common, and as the guest when the tenant is named', async () => {
    const tokensVia = async (tenant: string): Promise<Record<string, unknown>> =>
      jwtPayload(String((await loginTokens(emulator, 'guest', {}, tenant))['id_token']));
    const home = DEMO_USERS.find((u) => u.key === 'guest-home');
    const guest = DEMO_USERS.find((u) => u.key === 'guest');
    expect(await tokensVia('common')).to.include({ oid: home?.oid, tid: CONSUMER_TENANT_ID });
    expect(await tokensVia('common')).to.not.have.property('idp');
    for (const tenant of [DEMO_TENANT_ID, 'contoso.onmicrosoft.com'])
      expect(await tokensVia(tenant)).to.include({
        oid: guest?.oid,
        tid: DEMO_TENANT_ID,
        idp: 'live.com',
      });
    // The sign-in name picks the account the tenant admits: the home account through common.
    const byName = await loginTokens(emulator, 'jordan.lee@outlook.com', {}, 'common');
    expect(jwtPayload(String(byName['id_token']))['oid']).to.equal(home?.oid);
    const silent = await loginTokens(
      emulator,
      'unused',
      { prompt: 'none', login_hint: 'jordan.lee@outlook.com' },
      DEMO_TENANT_ID,
    );
    expect(jwtPayload(String(silent['id_token']))['oid']).to.equal(guest?.oid);
  });

  it('refuses a guest through organizations, whose home account is personal', async () => {
    const params = redirectParams(
      await completeLogin(authorizeUrl(emulator, {}, 'organizations'), 'guest'),
    );
    expect(params.get('error_description') ?? '').to.match(/^AADSTS500200: /);
  });

  it('refuses a guest without a home account through common, and says to name the tenant', async () => {
    const guest = DEMO_USERS.find((u) => u.key === 'guest');
    if (!guest) throw new Error('no guest demo user');
    const alone = await startEmulator({ users: [guest] });
    try {
      const params = redirectParams(await completeLogin(authorizeUrl(alone), 'guest'));
      expect(params.get('error_description') ?? '').to.match(
        /^AADSTS50034: The user account jordan\.lee@outlook\.com does not exist in the 'common' directory as a guest\..*name that tenant/,
      );
    } finally {
      await alone.close();
    }
  });

  it("shows the app's registered name on the picker, 'Sample app' by default", async () => {
    expect((await raw(authorizeUrl(emulator))).text).to.include('<p>to continue to Sample app</p>');
    const named = await startEmulator({
      clients: [{ ...DEFAULT_CLIENT, name: 'Contoso <Intranet>' }],
    });
    const unnamed = await startEmulator({
      clients: [{ clientID: DEFAULT_CLIENT.clientID, clientSecret: 'x', redirectUris: [REDIRECT] }],
    });
    try {
      const namedPage = (await raw(authorizeUrl(named))).text;
      expect(namedPage).to.include('<p>to continue to Contoso &lt;Intranet&gt;</p>');
      expect(namedPage).to.not.include(DEFAULT_CLIENT.clientID);
      expect((await raw(authorizeUrl(unnamed))).text).to.include('to continue to Sample app');
    } finally {
      await named.close();
      await unnamed.close();
    }
  });

  it('shows every address in full and the photo (or initials) of each account', async () => {
    const page = (await raw(authorizeUrl(emulator))).text;
    expect(page).to.not.match(/text-overflow|ellipsis/);
    expect(page).to.include('<span class="username">kiosk01@contoso.onmicrosoft.com</span>');
    expect(page).to.match(
      /<li class="" data-account="personal">[^]*?<img class="avatar" alt="" src="data:image\/png;base64,/,
    );
    expect(page).to.match(
      /<li class="" data-account="no-email">[^]*?<span class="avatar" aria-hidden="true">KO<\/span>/,
    );
  });

  it('serves a favicon, and its pages link to it', async () => {
    const icon = await raw(`${emulator.url}/favicon.ico`);
    expect(icon.status).to.equal(200);
    expect(icon.headers['content-type']).to.equal('image/svg+xml');
    expect(icon.text).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect((await raw(authorizeUrl(emulator))).text).to.include(
      '<link rel="icon" href="/favicon.ico" type="image/svg+xml">',
    );
  });

  it('refuses a forced sign-in that breaks the tenant rules with an error redirect', async () => {
    const personalOrgs = redirectParams(
      await completeLogin(authorizeUrl(emulator, {}, 'organizations'), 'personal'),
    );
    expect(personalOrgs.get('error')).to.equal('invalid_request');
    expect(personalOrgs.get('error_description') ?? '').to.match(/^AADSTS500200: /);
    expect(personalOrgs.get('code')).to.equal(null);

    const personalTenant = redirectParams(
      await completeLogin(authorizeUrl(emulator, {}, DEMO_TENANT_ID), 'personal-gmail'),
    );
    expect(personalTenant.get('error_description') ?? '').to.match(/^AADSTS50020: /);

    const workConsumers = redirectParams(
      await completeLogin(authorizeUrl(emulator, {}, 'consumers'), 'work'),
    );
    expect(workConsumers.get('error_description') ?? '').to.match(/^AADSTS500208: /);
    expect(workConsumers.get('state')).to.equal('st-123');
  });

  it('accepts a username instead of a key and shows an error page for an unknown account', async () => {
    const byName = redirectParams(
      await completeLogin(authorizeUrl(emulator), 'sam.rivera@gmail.com'),
    );
    expect(byName.get('code')).to.be.ok;
    const unknown = await completeLogin(authorizeUrl(emulator), 'nobody@example.com');
    expect(unknown.kind).to.equal('error_page');
    if (unknown.kind === 'error_page') expect(unknown.code).to.equal(50034);
  });

  it('completeLogin (query) redirects to the exact redirect URI with code and state', async () => {
    const result = await completeLogin(authorizeUrl(emulator, { state: 'a b&c=d' }), 'work');
    expect(result.kind).to.equal('redirect');
    if (result.kind !== 'redirect') return;
    const url = new URL(result.location);
    expect(`${url.origin}${url.pathname}`).to.equal(REDIRECT);
    expect(url.searchParams.get('state')).to.equal('a b&c=d');
    expect(url.searchParams.get('code') ?? '').to.match(/^1\.AX_[A-Za-z0-9_-]+$/);
  });

  it('completeLogin (form_post) returns an auto-submitting form with code and state', async () => {
    const url = authorizeUrl(emulator, { response_mode: 'form_post', state: '<"&\'>' });
    const page = await completeLogin(url, 'personal');
    expect(page.kind).to.equal('form_post');
    if (page.kind !== 'form_post') return;
    expect(page.action).to.equal(REDIRECT);
    expect(Object.keys(page.fields).sort()).to.deep.equal(['code', 'state']);
    expect(page.fields['state']).to.equal('<"&\'>');
    expect(page.fields['code'] ?? '').to.match(/^M\.C5_/);

    // The raw page: method=post form, noscript submit button, script that submits it.
    const picker = await raw(url);
    const txn = /name="txn" value="([^"]+)"/.exec(picker.text)?.[1] ?? '';
    const posted = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, {
      txn,
      account: 'work',
    });
    expect(posted.status).to.equal(200);
    expect(posted.text).to.match(
      /<form method="POST" name="hiddenform" action="http:\/\/localhost:3000\/login\/callback">/,
    );
    expect(posted.text).to.match(/<noscript>.*<input type="submit"/);
    expect(posted.text).to.match(/document\.forms\[0\]\.submit\(\)/);
  });

  it('a sign-in transaction is single use', async () => {
    const picker = await raw(authorizeUrl(emulator));
    const txn = /name="txn" value="([^"]+)"/.exec(picker.text)?.[1] ?? '';
    const first = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, {
      txn,
      account: 'work',
    });
    expect(first.status).to.equal(302);
    const second = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, {
      txn,
      account: 'work',
    });
    expect(second.status).to.equal(400);
    expect(second.headers.location).to.equal(undefined);
  });

  it('cancel returns access_denied with error_subcode cancel and no description, as Microsoft (query and form_post)', async () => {
    const q = redirectParams(await completeLogin(authorizeUrl(emulator), { cancel: true }));
    expect([...q.keys()].sort()).to.deep.equal(['error', 'error_subcode', 'state']);
    expect(q.get('error')).to.equal('access_denied');
    expect(q.get('error_subcode')).to.equal('cancel');
    expect(q.get('state')).to.equal('st-123');

    const f = await completeLogin(authorizeUrl(emulator, { response_mode: 'form_post' }), {
      cancel: true,
    });
    expect(f.kind).to.equal('form_post');
    if (f.kind !== 'form_post') return;
    expect(f.fields).to.deep.equal({
      error: 'access_denied',
      error_subcode: 'cancel',
      state: 'st-123',
    });
  });

  it('shows AADSTS90002 for an unknown tenant and honours client-request-id as correlation id', async () => {
    const res = await raw(authorizeUrl(emulator, {}, 'unknown.example'), {
      headers: { 'client-request-id': '11111111-2222-3333-4444-555555555555' },
    });
    expect(res.status).to.equal(400);
    expect(res.text).to.match(/content="90002"/);
    expect(res.text).to.match(/Correlation ID: 11111111-2222-3333-4444-555555555555/);
  });

  it('uses the first registered redirect URI when redirect_uri is omitted', async () => {
    const res = await completeLogin(authorizeUrl(emulator, { redirect_uri: undefined }), 'work');
    expect(res.kind).to.equal('redirect');
    if (res.kind === 'redirect')
      expect(res.location.startsWith('http://localhost/login/callback?code='), res.location).to.be
        .ok;
  });

  it('fragment mode puts the answer in the fragment', async () => {
    const result = await completeLogin(
      authorizeUrl(emulator, { response_mode: 'fragment' }),
      'work',
    );
    expect(result.kind).to.equal('redirect');
    if (result.kind !== 'redirect') return;
    const url = new URL(result.location);
    expect(url.search).to.equal('');
    expect(new URLSearchParams(url.hash.slice(1)).get('code')).to.be.ok;
  });
});

describe('emulator: custom clients and users', () => {
  const OTHER_TID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      clients: [
        { clientID: 'my-app', clientSecret: 'x', redirectUris: ['https://app.example/cb'] },
      ],
      users: [
        {
          key: 'fabrikam',
          kind: 'work',
          oid: '11111111-2222-4333-8444-555555555555',
          tid: OTHER_TID,
          graphId: '11111111-2222-4333-8444-555555555555',
          displayName: 'Fab Rikam',
          userPrincipalName: 'fab@fabrikam.example',
          mail: 'fab@fabrikam.example',
          preferredUsername: 'fab@fabrikam.example',
        },
      ],
    });
  });
  after(async () => {
    await emulator.close();
  });

  it('serves a tenant that only a custom user belongs to, and matches non-loopback redirect URIs exactly', async () => {
    const url = (redirect: string): string => {
      const u = new URL(`${emulator.authority(OTHER_TID)}/oauth2/v2.0/authorize`);
      u.search = new URLSearchParams({
        client_id: 'my-app',
        response_type: 'code',
        redirect_uri: redirect,
        scope: 'openid',
      }).toString();
      return u.toString();
    };
    const page = await raw(url('https://app.example/cb'));
    expect(listed(page.text)).to.deep.equal(['fabrikam']);
    const ok = await completeLogin(url('https://app.example/cb'), 'fabrikam');
    expect(ok.kind).to.equal('redirect');
    if (ok.kind === 'redirect') expect(ok.location).to.match(/^https:\/\/app\.example\/cb\?code=/);
    const port = await completeLogin(url('https://app.example:8443/cb'), 'fabrikam');
    expect(port.kind).to.equal('error_page');
    if (port.kind === 'error_page') expect(port.code).to.equal(50011);
    const doc = await raw(`${emulator.authority(OTHER_TID)}/v2.0/.well-known/openid-configuration`);
    expect(JSON.parse(doc.text)).to.have.property('issuer', `${emulator.url}/${OTHER_TID}/v2.0`);
  });

  it('rejects duplicate user keys', async () => {
    const user = emulator.users[0];
    if (!user) throw new Error('no user');
    const error = await startEmulator({ users: [user, { ...user }] }).then(
      async (e) => {
        await e.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(Error);
    expect(String(error)).to.match(/duplicate emulator user key/);
  });
});
