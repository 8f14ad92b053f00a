import assert from 'node:assert/strict';
import { completeLogin, DEMO_TENANT_ID, startEmulator } from '../../lib/emulator/index.js';
import type { CompleteLoginResult, Emulator } from '../../lib/emulator/index.js';
import { authorizeUrl, pkce, postForm, raw, REDIRECT } from './helpers.js';

function redirectParams(result: CompleteLoginResult): URLSearchParams {
  assert.equal(result.kind, 'redirect');
  if (result.kind !== 'redirect') throw new Error('unreachable');
  return new URL(result.location).searchParams;
}

/** The account keys listed on a sign-in page. */
function listed(html: string): string[] {
  return [...html.matchAll(/data-account="([^"]+)"/g)].map((m) => m[1] ?? '');
}

const TRACE_RE = /^AADSTS65004: User declined to consent to access the app\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/;

describe('emulator: authorize endpoint', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  it('renders the account picker with every demo account under common', async () => {
    const res = await raw(authorizeUrl(emulator));
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text, /<title>Sign in to your account<\/title>/);
    assert.deepEqual(listed(res.text), ['personal', 'work', 'guest', 'personal-gmail', 'no-email']);
    assert.match(res.text, /Avery Howard/);
    assert.match(res.text, /AdeleV@contoso\.com/);
    assert.match(res.text, /id="cancel"/);
    assert.match(res.text, /<input type="hidden" name="txn" value="[^"]+">/);
  });

  it('shows AADSTS700016 for an unknown client, without redirect', async () => {
    const result = await completeLogin(authorizeUrl(emulator, { client_id: '00000000-1111-2222-3333-444444444444' }), 'work');
    assert.equal(result.kind, 'error_page');
    if (result.kind === 'error_page') {
      assert.equal(result.code, 700016);
      assert.equal(result.status, 400);
    }
  });

  it('shows the AADSTS50011 page (400, no Location) on a redirect URI mismatch', async () => {
    for (const uri of ['http://localhost:3000/other/callback', 'https://localhost/login/callback', 'http://localhost:3000/login/callback/', 'http://example.com/login/callback']) {
      const res = await raw(authorizeUrl(emulator, { redirect_uri: uri }));
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.location, undefined);
      assert.match(res.text, /AADSTS50011/);
      assert.match(res.text, /<meta name="aadsts" content="50011">/);
      assert.ok(res.text.includes(uri.replace(/&/g, '&amp;')));
    }
  });

  it('ignores the port of loopback redirect URIs', async () => {
    for (const uri of ['http://localhost:3000/login/callback', 'http://127.0.0.1:49152/auth/microsoft/callback', 'http://localhost/login/callback']) {
      const params = redirectParams(await completeLogin(authorizeUrl(emulator, { redirect_uri: uri }), 'work'));
      assert.ok(params.get('code'), uri);
    }
  });

  it('redirects invalid_request when scope is missing, unsupported_response_type for token', async () => {
    const noScope = await raw(authorizeUrl(emulator, { scope: undefined }));
    assert.equal(noScope.status, 302);
    const p1 = new URL(String(noScope.headers.location)).searchParams;
    assert.equal(p1.get('error'), 'invalid_request');
    assert.match(p1.get('error_description') ?? '', /^AADSTS900144: .*'scope'/);
    assert.equal(p1.get('state'), 'st-123');
    assert.equal(p1.get('error_uri'), `${emulator.url}/error?code=900144`);

    const token = await raw(authorizeUrl(emulator, { response_type: 'token' }));
    const p2 = new URL(String(token.headers.location)).searchParams;
    assert.equal(p2.get('error'), 'unsupported_response_type');
  });

  it('rejects an unknown code_challenge_method and an invalid prompt', async () => {
    const { challenge } = pkce();
    const bad = await raw(authorizeUrl(emulator, { code_challenge: challenge, code_challenge_method: 'S512' }));
    assert.equal(new URL(String(bad.headers.location)).searchParams.get('error'), 'invalid_request');
    const prompt = await raw(authorizeUrl(emulator, { prompt: 'bogus' }));
    assert.equal(new URL(String(prompt.headers.location)).searchParams.get('error'), 'invalid_request');
  });

  it('highlights the login_hint account', async () => {
    const res = await raw(authorizeUrl(emulator, { login_hint: 'adelev@contoso.com' }));
    assert.match(res.text, /<li class="hinted" data-account="work">/);
    assert.equal((res.text.match(/class="hinted"/g) ?? []).length, 1);
    const none = await raw(authorizeUrl(emulator));
    assert.equal(none.text.includes('class="hinted"'), false);
  });

  it('prompt=none signs in silently with a known login_hint, else login_required', async () => {
    const silent = await raw(authorizeUrl(emulator, { prompt: 'none', login_hint: 'avery.howard@outlook.com' }));
    assert.equal(silent.status, 302);
    const ok = new URL(String(silent.headers.location));
    assert.equal(ok.origin + ok.pathname, REDIRECT);
    assert.ok(ok.searchParams.get('code'));
    assert.equal(ok.searchParams.get('state'), 'st-123');

    const noHint = await raw(authorizeUrl(emulator, { prompt: 'none' }));
    const p = new URL(String(noHint.headers.location)).searchParams;
    assert.equal(p.get('error'), 'login_required');
    assert.match(p.get('error_description') ?? '', /^AADSTS50058: /);

    const wrongTenant = await raw(authorizeUrl(emulator, { prompt: 'none', login_hint: 'avery.howard@outlook.com' }, 'organizations'));
    assert.equal(new URL(String(wrongTenant.headers.location)).searchParams.get('error'), 'login_required');
  });

  it('prompt=select_account/login/consent still show the page', async () => {
    for (const prompt of ['select_account', 'login', 'consent']) {
      const res = await raw(authorizeUrl(emulator, { prompt }));
      assert.equal(res.status, 200, prompt);
      assert.match(res.text, /Sign in to your account/);
    }
  });

  it('filters accounts with domain_hint', async () => {
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, { domain_hint: 'consumers' }))).text), ['personal', 'personal-gmail']);
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, { domain_hint: 'organizations' }))).text), ['work', 'guest', 'no-email']);
  });

  it('applies tenant rules to the list', async () => {
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, {}, 'consumers'))).text), ['personal', 'personal-gmail']);
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, {}, 'organizations'))).text), ['work', 'guest', 'no-email']);
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, {}, DEMO_TENANT_ID))).text), ['work', 'guest', 'no-email']);
    assert.deepEqual(listed((await raw(authorizeUrl(emulator, {}, 'contoso.com'))).text), ['work', 'guest', 'no-email']);
  });

  it('refuses a forced sign-in that breaks the tenant rules with an error redirect', async () => {
    const personalOrgs = redirectParams(await completeLogin(authorizeUrl(emulator, {}, 'organizations'), 'personal'));
    assert.equal(personalOrgs.get('error'), 'invalid_request');
    assert.match(personalOrgs.get('error_description') ?? '', /^AADSTS500200: /);
    assert.equal(personalOrgs.get('code'), null);

    const personalTenant = redirectParams(await completeLogin(authorizeUrl(emulator, {}, DEMO_TENANT_ID), 'personal-gmail'));
    assert.match(personalTenant.get('error_description') ?? '', /^AADSTS50020: /);

    const workConsumers = redirectParams(await completeLogin(authorizeUrl(emulator, {}, 'consumers'), 'work'));
    assert.match(workConsumers.get('error_description') ?? '', /^AADSTS500208: /);
    assert.equal(workConsumers.get('state'), 'st-123');
  });

  it('accepts a username instead of a key and shows an error page for an unknown account', async () => {
    const byName = redirectParams(await completeLogin(authorizeUrl(emulator), 'sam.rivera@gmail.com'));
    assert.ok(byName.get('code'));
    const unknown = await completeLogin(authorizeUrl(emulator), 'nobody@example.com');
    assert.equal(unknown.kind, 'error_page');
    if (unknown.kind === 'error_page') assert.equal(unknown.code, 50034);
  });

  it('completeLogin (query) redirects to the exact redirect URI with code and state', async () => {
    const result = await completeLogin(authorizeUrl(emulator, { state: 'a b&c=d' }), 'work');
    assert.equal(result.kind, 'redirect');
    if (result.kind !== 'redirect') return;
    const url = new URL(result.location);
    assert.equal(`${url.origin}${url.pathname}`, REDIRECT);
    assert.equal(url.searchParams.get('state'), 'a b&c=d');
    assert.match(url.searchParams.get('code') ?? '', /^1\.AX_[A-Za-z0-9_-]+$/);
  });

  it('completeLogin (form_post) returns an auto-submitting form with code and state', async () => {
    const url = authorizeUrl(emulator, { response_mode: 'form_post', state: '<"&\'>' });
    const page = await completeLogin(url, 'personal');
    assert.equal(page.kind, 'form_post');
    if (page.kind !== 'form_post') return;
    assert.equal(page.action, REDIRECT);
    assert.deepEqual(Object.keys(page.fields).sort(), ['code', 'state']);
    assert.equal(page.fields['state'], '<"&\'>');
    assert.match(page.fields['code'] ?? '', /^M\.C5_/);

    // The raw page: method=post form, noscript submit button, script that submits it.
    const picker = await raw(url);
    const txn = /name="txn" value="([^"]+)"/.exec(picker.text)?.[1] ?? '';
    const posted = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, { txn, account: 'work' });
    assert.equal(posted.status, 200);
    assert.match(posted.text, /<form method="POST" name="hiddenform" action="http:\/\/localhost:3000\/login\/callback">/);
    assert.match(posted.text, /<noscript>.*<input type="submit"/);
    assert.match(posted.text, /document\.forms\[0\]\.submit\(\)/);
  });

  it('a sign-in transaction is single use', async () => {
    const picker = await raw(authorizeUrl(emulator));
    const txn = /name="txn" value="([^"]+)"/.exec(picker.text)?.[1] ?? '';
    const first = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, { txn, account: 'work' });
    assert.equal(first.status, 302);
    const second = await postForm(`${emulator.authority()}/oauth2/v2.0/authorize`, { txn, account: 'work' });
    assert.equal(second.status, 400);
    assert.equal(second.headers.location, undefined);
  });

  it('cancel returns access_denied with an AADSTS65004 description carrying trace ids (query and form_post)', async () => {
    const q = redirectParams(await completeLogin(authorizeUrl(emulator), { cancel: true }));
    assert.equal(q.get('error'), 'access_denied');
    assert.match(q.get('error_description') ?? '', TRACE_RE);
    assert.equal(q.get('error_uri'), `${emulator.url}/error?code=65004`);
    assert.equal(q.get('state'), 'st-123');
    assert.equal(q.get('code'), null);

    const f = await completeLogin(authorizeUrl(emulator, { response_mode: 'form_post' }), { cancel: true });
    assert.equal(f.kind, 'form_post');
    if (f.kind !== 'form_post') return;
    assert.equal(f.fields['error'], 'access_denied');
    assert.match(f.fields['error_description'] ?? '', TRACE_RE);
    assert.equal(f.fields['state'], 'st-123');
  });

  it('shows AADSTS90002 for an unknown tenant and honours client-request-id as correlation id', async () => {
    const res = await raw(authorizeUrl(emulator, {}, 'unknown.example'), { headers: { 'client-request-id': '11111111-2222-3333-4444-555555555555' } });
    assert.equal(res.status, 400);
    assert.match(res.text, /content="90002"/);
    assert.match(res.text, /Correlation Id: 11111111-2222-3333-4444-555555555555/);
  });

  it('uses the first registered redirect URI when redirect_uri is omitted', async () => {
    const res = await completeLogin(authorizeUrl(emulator, { redirect_uri: undefined }), 'work');
    assert.equal(res.kind, 'redirect');
    if (res.kind === 'redirect') assert.ok(res.location.startsWith('http://localhost/login/callback?code='), res.location);
  });

  it('fragment mode puts the answer in the fragment', async () => {
    const result = await completeLogin(authorizeUrl(emulator, { response_mode: 'fragment' }), 'work');
    assert.equal(result.kind, 'redirect');
    if (result.kind !== 'redirect') return;
    const url = new URL(result.location);
    assert.equal(url.search, '');
    assert.ok(new URLSearchParams(url.hash.slice(1)).get('code'));
  });
});
