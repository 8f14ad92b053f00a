import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { expect } from 'chai';
import sinon from 'sinon';
import Entry = require('../../lib/index.js');
import { CookieStateStore } from '../../lib/state/cookie-state-store.js';
import type { CookieStateStoreOptions } from '../../lib/state/cookie-state-store.js';
import { MicrosoftStateError } from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftRequest, StateStoreMeta } from '../../lib/types.js';
import { authenticate, expectFail, expectRedirect, fakeRequest } from '../helpers/passport.js';
import type { FakeRequestInit } from '../helpers/passport.js';
import { STATE_FAILURE } from '../helpers/state-failures.js';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const OTHER_SECRET = 'another-secret-of-at-least-32-characters';
/** A login whose callback URL is http (a development server): cookies named `mslogin.<handle>`. */
const META: StateStoreMeta = {
  authorizationURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  clientID: 'client',
  callbackURL: 'http://app.example.com/login/callback',
};
/** A login whose callback URL is https: cookies named `__Host-mslogin.<handle>` by default. */
const META_HTTPS: StateStoreMeta = {
  ...META,
  callbackURL: 'https://app.example.com/login/callback',
};
const REFUSED = STATE_FAILURE;

/** A cookie jar playing the browser: applies Set-Cookie lines, sends the Cookie header back. */
class Jar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(res: ServerResponse): string[] {
    const lines = setCookies(res);
    for (const line of lines) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (/;\s*Max-Age=0(;|$)/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return lines;
  }
}

function setCookies(res: ServerResponse): string[] {
  const value = res.getHeader('set-cookie');
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/** A request with `req.res` set, as Express does, and no session at all. */
function exchange(
  cookie: string | undefined,
  init: FakeRequestInit = {},
): { req: MicrosoftRequest; res: ServerResponse } {
  const headers = { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) };
  const req = fakeRequest({ ...init, headers, session: null });
  const res = new ServerResponse(req);
  Object.assign(req, { res });
  return { req, res };
}

function save(
  store: CookieStateStore,
  jar: Jar,
  verifier: string | undefined,
  state: unknown,
  meta: StateStoreMeta = META,
  init: FakeRequestInit = {},
): { handle: string; lines: string[] } {
  const { req, res } = exchange(jar.header(), init);
  let handle = '';
  store.store(req, verifier, state, meta, (err, h) => {
    if (err) throw err;
    handle = h ?? '';
  });
  return { handle, lines: jar.take(res) };
}

interface Checked {
  err: Error | null;
  ok: string | boolean | undefined;
  state: unknown;
  lines: string[];
}

function check(
  store: CookieStateStore,
  jar: Jar,
  handle: string,
  meta: StateStoreMeta = META,
  cookie: string = jar.header(),
): Checked {
  const { req, res } = exchange(cookie);
  let result: Omit<Checked, 'lines'> = { err: null, ok: undefined, state: undefined };
  store.verify(req, handle, meta, (err, ok, state) => {
    result = { err, ok, state };
  });
  return { ...result, lines: jar.take(res) };
}

function failed(result: Checked, reason: keyof typeof REFUSED = 'no_pending_login'): void {
  expect({ err: result.err, ok: result.ok, state: result.state }).to.deep.equal({
    err: null,
    ok: false,
    state: REFUSED[reason],
  });
}

function storeError(store: CookieStateStore, req: MicrosoftRequest, state: unknown = {}): unknown {
  let error: unknown;
  store.store(req, 'v', state, META, (err) => {
    error = err;
  });
  return error;
}

/** Replaces the cookie value's character at `index` with another base64url character. */
function flip(value: string, index: number): string {
  const c = value[index] === 'A' ? 'B' : 'A';
  return `${value.slice(0, index)}${c}${value.slice(index + 1)}`;
}

/** Seals `plaintext` the documented way: HKDF-SHA-256 key, AES-256-GCM, version | IV | tag | data. */
function seal(secret: string, name: string, meta: StateStoreMeta, plaintext: string): string {
  const key = Buffer.from(
    hkdfSync(
      'sha256',
      secret,
      'passport-microsoft-account cookie state store',
      'AES-256-GCM key for pending logins, v1',
      32,
    ),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`1\n${name}\n${meta.clientID}\n${meta.authorizationURL}`));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(1), iv, cipher.getAuthTag(), data]).toString('base64url');
}

describe('unit: cookie state store', () => {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  describe('options', () => {
    function make(options: unknown): () => CookieStateStore {
      return () => new CookieStateStore(options as CookieStateStoreOptions);
    }

    it('requires an options object', () => {
      expect(make(undefined)).to.throw(
        TypeError,
        'CookieStateStore requires an options object with a secret',
      );
    });

    it('requires a secret', () => {
      expect(make({})).to.throw(TypeError, 'CookieStateStore requires a secret option');
    });

    it('refuses a secret shorter than 32 characters', () => {
      expect(make({ secret: 'x'.repeat(31) })).to.throw(
        TypeError,
        'CookieStateStore option secret must be at least 32 characters long',
      );
      expect(make({ secret: [SECRET, 'short'] })).to.throw(
        TypeError,
        'CookieStateStore option secret must be at least 32 characters long',
      );
    });

    it('refuses a secret with low variety, saying how to make one (openssl rand -base64 32)', () => {
      for (const secret of [
        'a'.repeat(32),
        'ab'.repeat(20),
        '0123456789'.repeat(4),
        'passwordpassword'.repeat(2),
        [SECRET, 'x'.repeat(40)],
      ])
        expect(make({ secret }), String(secret)).to.throw(
          TypeError,
          'CookieStateStore option secret has too little variety to be a random value (fewer than 8 different characters, or one short piece repeated); use a random value, for example the output of `openssl rand -base64 32`',
        );
      // What openssl rand -base64 32 and randomBytes(32).toString('base64url') give is accepted.
      for (const secret of [
        randomBytes(32).toString('base64'),
        randomBytes(32).toString('base64url'),
        randomBytes(16).toString('hex'),
      ])
        expect(make({ secret }), secret).to.not.throw();
    });

    it('refuses a secret that is not a string or a non-empty array of strings', () => {
      for (const secret of [42, [], [SECRET, 7], Buffer.from(SECRET), null])
        expect(make({ secret }), String(secret)).to.throw(
          TypeError,
          'CookieStateStore option secret must be a string or a non-empty array of strings',
        );
    });

    it('refuses an unknown option', () => {
      expect(make({ secret: SECRET, maxAge: 60 })).to.throw(
        TypeError,
        'CookieStateStore got an unknown option maxAge',
      );
    });

    it('refuses a cookieName that is not a cookie name', () => {
      for (const cookieName of ['', 'a b', 'a;b', 'a=b', 5])
        expect(make({ secret: SECRET, cookieName }), String(cookieName)).to.throw(
          TypeError,
          'CookieStateStore option cookieName must be a cookie name',
        );
    });

    it('refuses a maxAgeMs or maxPending that is not a positive whole number', () => {
      for (const value of [0, -1, 1.5, Number.POSITIVE_INFINITY, '600000']) {
        expect(make({ secret: SECRET, maxAgeMs: value }), String(value)).to.throw(
          TypeError,
          'CookieStateStore option maxAgeMs must be a positive whole number',
        );
        expect(make({ secret: SECRET, maxPending: value }), String(value)).to.throw(
          TypeError,
          'CookieStateStore option maxPending must be a positive whole number',
        );
      }
    });

    it('refuses a path that does not start with / or holds a semicolon or space', () => {
      for (const path of ['login', '/a;b', '/a b', 1])
        expect(make({ secret: SECRET, path }), String(path)).to.throw(
          TypeError,
          'CookieStateStore option path must start with /',
        );
    });

    it('refuses a domain that is not a host name', () => {
      for (const domain of ['', 'a;b', 'https://example.com', 3])
        expect(make({ secret: SECRET, domain }), String(domain)).to.throw(
          TypeError,
          'CookieStateStore option domain must be a host name',
        );
    });

    it('refuses sameSite strict, whose cookie never comes back with the callback', () => {
      expect(make({ secret: SECRET, sameSite: 'strict' })).to.throw(
        TypeError,
        'CookieStateStore option sameSite must be lax or none',
      );
    });

    it('refuses sameSite lax together with formPost', () => {
      expect(make({ secret: SECRET, formPost: true, sameSite: 'lax' })).to.throw(
        TypeError,
        'CookieStateStore option sameSite must be none with formPost: true',
      );
    });

    it('refuses secure: false where browsers require Secure', () => {
      for (const extra of [{ sameSite: 'none' }, { formPost: true }, { cookieName: '__Host-x' }])
        expect(make({ secret: SECRET, secure: false, ...extra }), JSON.stringify(extra)).to.throw(
          TypeError,
          'CookieStateStore option secure cannot be false with SameSite=None or a __Host-/__Secure- cookie name',
        );
    });

    it('refuses a path or domain with a __Host- cookie name', () => {
      expect(make({ secret: SECRET, cookieName: '__Host-x', path: '/auth' })).to.throw(
        TypeError,
        'CookieStateStore option path must be / and domain unset for a __Host- cookie name',
      );
      expect(make({ secret: SECRET, cookieName: '__Host-x', domain: 'example.com' })).to.throw(
        TypeError,
        'CookieStateStore option path must be / and domain unset for a __Host- cookie name',
      );
    });

    it('refuses secure or formPost that are not booleans', () => {
      expect(make({ secret: SECRET, secure: 'yes' })).to.throw(
        TypeError,
        'CookieStateStore option secure must be true or false',
      );
      expect(make({ secret: SECRET, formPost: 1 })).to.throw(
        TypeError,
        'CookieStateStore option formPost must be true or false',
      );
    });

    it('accepts frozen options and leaves them as they were', () => {
      const options = Object.freeze({ secret: Object.freeze([SECRET, OTHER_SECRET]) });
      expect(() => new CookieStateStore(options)).to.not.throw();
      expect(options).to.deep.equal({ secret: [SECRET, OTHER_SECRET] });
    });
  });

  describe('a pending login', () => {
    it('hands back the verifier and state once, clears its cookie, then refuses it', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle } = save(store, jar, 'verifier-1', { nonce: 'n', state: { to: '/a' } });
      expect(handle).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect([...jar.cookies.keys()]).to.deep.equal([`mslogin.${handle}`]);
      const sent = jar.header();
      const first = check(store, jar, handle);
      expect(first).to.deep.include({
        err: null,
        ok: 'verifier-1',
        state: { nonce: 'n', state: { to: '/a' } },
      });
      expect(first.lines).to.deep.equal([
        `mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
      expect(jar.cookies.size).to.equal(0);
      failed(check(store, jar, handle), 'cookie_missing');
      // The same cookie sent again (a replay, not the browser) is refused by this process too.
      failed(check(store, jar, handle, META, sent));
    });

    it('opens a cookie sealed the documented way (HKDF-SHA-256 key, AES-256-GCM, name and client bound)', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const handle = randomBytes(24).toString('base64url');
      const name = `mslogin.${handle}`;
      const now = Date.now();
      const content = JSON.stringify({ v: 'verifier', s: { nonce: 'n' }, t: now, e: now + 60_000 });
      const result = check(
        store,
        new Jar(),
        handle,
        META,
        `${name}=${seal(SECRET, name, META, content)}`,
      );
      expect(result).to.deep.include({ err: null, ok: 'verifier', state: { nonce: 'n' } });
    });

    it('answers true instead of a verifier without PKCE', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      expect(check(store, jar, save(store, jar, undefined, null).handle).ok).to.equal(true);
    });

    it('keeps no readable trace of the verifier, nonce or state in the cookie', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { lines } = save(store, jar, 'verifier-visible', { nonce: 'nonce-visible' });
      const value = (lines[0] ?? '').split(';')[0] ?? '';
      const decoded = Buffer.from(value.split('=')[1] ?? '', 'base64url').toString('latin1');
      expect(decoded).to.not.contain('visible');
      expect(value).to.not.contain('visible');
    });

    it('sets an HttpOnly, SameSite=Lax cookie on / for 10 minutes, without Secure over http', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const { handle, lines } = save(store, new Jar(), 'v', {});
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        new RegExp(
          `^mslogin\\.${handle}=[A-Za-z0-9_-]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`,
        ),
      );
    });

    it('adds Secure over https: a TLS socket, or Express req.secure', () => {
      const store = new CookieStateStore({ secret: SECRET });
      expect(save(store, new Jar(), 'v', {}, META, { encrypted: true }).lines[0]).to.match(
        /; SameSite=Lax; Secure$/,
      );
      const { req, res } = exchange(undefined);
      Object.assign(req, { secure: true });
      store.store(req, 'v', {}, META, (err) => expect(err).to.equal(null));
      expect(setCookies(res)[0]).to.match(/; Secure$/);
    });

    it('uses the cookieName, path, domain, maxAgeMs and secure options, also when clearing', () => {
      const store = new CookieStateStore({
        secret: SECRET,
        cookieName: 'app_login',
        path: '/auth',
        domain: 'example.com',
        maxAgeMs: 90_500,
        secure: true,
      });
      const jar = new Jar();
      const { handle, lines } = save(store, jar, 'v', {});
      expect(lines[0]).to.match(
        new RegExp(
          `^app_login\\.${handle}=[A-Za-z0-9_-]+; Max-Age=91; Path=/auth; Domain=example.com; HttpOnly; SameSite=Lax; Secure$`,
        ),
      );
      expect(check(store, jar, handle).lines).to.deep.equal([
        `app_login.${handle}=; Max-Age=0; Path=/auth; Domain=example.com; HttpOnly; SameSite=Lax; Secure`,
      ]);
    });

    it('sets SameSite=None; Secure for form_post logins (formPost: true or sameSite: none), even over http', () => {
      for (const options of [{ formPost: true }, { sameSite: 'none' as const }]) {
        const store = new CookieStateStore({ secret: SECRET, ...options });
        expect(save(store, new Jar(), 'v', {}).lines[0], JSON.stringify(options)).to.match(
          /; HttpOnly; SameSite=None; Secure$/,
        );
      }
    });

    it('makes __Host- and __Secure- cookies Secure', () => {
      for (const cookieName of ['__Host-login', '__Secure-login']) {
        const store = new CookieStateStore({ secret: SECRET, cookieName });
        const { handle, lines } = save(store, new Jar(), 'v', {});
        expect(lines[0]).to.match(new RegExp(`^${cookieName}\\.${handle}=.*; Secure$`));
      }
    });

    it('adds its cookie to the Set-Cookie headers already on the response', () => {
      const store = new CookieStateStore({ secret: SECRET });
      for (const previous of ['sid=1', ['sid=1', 'theme=dark']]) {
        const { req, res } = exchange(undefined);
        res.setHeader('Set-Cookie', previous);
        store.store(req, 'v', {}, META, (err) => expect(err).to.equal(null));
        const lines = setCookies(res);
        expect(lines.slice(0, -1)).to.deep.equal([previous].flat());
        expect(lines.at(-1)).to.match(/^mslogin\./);
      }
    });

    it('keeps several pending logins (several tabs), each in its own cookie', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const first = save(store, jar, 'v1', 1).handle;
      const second = save(store, jar, 'v2', 2).handle;
      expect(jar.cookies.size).to.equal(2);
      expect(check(store, jar, second)).to.deep.include({ ok: 'v2', state: 2 });
      expect(check(store, jar, first)).to.deep.include({ ok: 'v1', state: 1 });
    });

    it('drops the oldest pending login beyond maxPending', () => {
      clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
      const store = new CookieStateStore({ secret: SECRET, maxPending: 2 });
      const jar = new Jar();
      const first = save(store, jar, 'v1', 1).handle;
      clock.tick(1);
      const second = save(store, jar, 'v2', 2).handle;
      clock.tick(1);
      const third = save(store, jar, 'v3', 3);
      expect(third.lines[0]).to.equal(
        `mslogin.${first}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      );
      expect([...jar.cookies.keys()]).to.have.members([
        `mslogin.${second}`,
        `mslogin.${third.handle}`,
      ]);
      expect(check(store, jar, second).ok).to.equal('v2');
      expect(check(store, jar, third.handle).ok).to.equal('v3');
    });

    it('expires a pending login after maxAgeMs, checked inside the cookie, and clears it', () => {
      clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
      const store = new CookieStateStore({ secret: SECRET, maxAgeMs: 60_000 });
      const jar = new Jar();
      const fresh = save(store, jar, 'v1', null).handle;
      const stale = save(store, jar, 'v2', null).handle;
      clock.tick(59_999);
      expect(check(store, jar, fresh).ok).to.equal('v1');
      clock.tick(1);
      const expired = check(store, jar, stale);
      failed(expired, 'expired');
      expect(expired.lines).to.deep.equal([
        `mslogin.${stale}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
    });

    it('clears expired pending logins when it starts a new one', () => {
      clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
      const store = new CookieStateStore({ secret: SECRET, maxAgeMs: 1000 });
      const jar = new Jar();
      const old = save(store, jar, 'v1', null).handle;
      clock.tick(1000);
      const next = save(store, jar, 'v2', null);
      expect(next.lines[0]).to.equal(`mslogin.${old}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`);
      expect([...jar.cookies.keys()]).to.deep.equal([`mslogin.${next.handle}`]);
    });

    it("leaves cookies it cannot open (another strategy's, another secret's) to their own Max-Age", () => {
      const mine = new CookieStateStore({ secret: SECRET, maxPending: 1 });
      const theirs = new CookieStateStore({ secret: OTHER_SECRET });
      const jar = new Jar();
      const foreign = save(theirs, jar, 'v', null).handle;
      const own = save(mine, jar, 'v', null);
      expect(own.lines).to.have.length(1);
      expect(jar.cookies.has(`mslogin.${foreign}`)).to.equal(true);
    });

    it('keeps the state as JSON: nested objects, arrays and strings come back equal', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const state = { '@microsoft': 1, openid: true, nonce: 'n', state: { a: [1, 'two', null] } };
      expect(check(store, jar, save(store, jar, 'v', state).handle).state).to.deep.equal(state);
    });
  });

  describe('refusals: verify fails with "Unable to verify authorization request state" and never throws', () => {
    let store: CookieStateStore;
    let jar: Jar;
    let handle: string;
    let value: string;

    beforeEach(() => {
      store = new CookieStateStore({ secret: SECRET });
      jar = new Jar();
      handle = save(store, jar, 'v', { nonce: 'n' }).handle;
      value = jar.cookies.get(`mslogin.${handle}`) ?? '';
    });

    it('a callback without its cookie', () => {
      const result = check(store, new Jar(), handle);
      failed(result, 'cookie_missing');
      expect(result.lines).to.deep.equal([]);
    });

    it('a tampered cookie (any byte of version, IV, tag or ciphertext), which it clears', () => {
      for (const index of [0, 1, 5, 20, 40, value.length - 2]) {
        const result = check(store, jar, handle, META, `mslogin.${handle}=${flip(value, index)}`);
        failed(result);
        expect(result.lines, String(index)).to.deep.equal([
          `mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
        ]);
      }
      // The untouched cookie still opens.
      expect(check(store, jar, handle, META, `mslogin.${handle}=${value}`).ok).to.equal('v');
    });

    it('a cookie moved under another handle (the name and handle are authenticated)', () => {
      const other = save(store, new Jar(), 'w', null).handle;
      failed(check(store, jar, other, META, `mslogin.${other}=${value}`));
    });

    it('a cookie made for another client ID or authorize endpoint', () => {
      failed(check(store, jar, handle, { ...META, clientID: 'other-client' }));
      // The first refusal cleared the cookie.
      failed(
        check(store, jar, handle, {
          ...META,
          authorizationURL: 'https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize',
        }),
        'cookie_missing',
      );
    });

    it('a cookie made with a secret this store does not know', () => {
      failed(check(new CookieStateStore({ secret: OTHER_SECRET }), jar, handle));
    });

    it('malformed cookies: empty, not base64url, too short, another version, oversized, quoted garbage', () => {
      const bad = [
        '',
        'not base64!',
        '%%%',
        Buffer.alloc(20).toString('base64url'),
        Buffer.concat([Buffer.of(2), Buffer.from(value, 'base64url').subarray(1)]).toString(
          'base64url',
        ),
        'A'.repeat(5000),
        '"AAAA"',
        `${value}x`,
      ];
      for (const cookie of bad) {
        const result = check(store, jar, handle, META, `mslogin.${handle}=${cookie}`);
        failed(result);
        expect(result.lines, cookie.slice(0, 20)).to.have.length(1);
      }
    });

    it('a well-sealed cookie whose content is not a pending login', () => {
      const now = Date.now();
      const contents = [
        'not json',
        'null',
        '"text"',
        JSON.stringify({ v: 5, t: now, e: now + 60_000 }),
        JSON.stringify({ v: 'v', t: now }),
        JSON.stringify({ v: 'v', t: now, e: 'later' }),
      ];
      for (const content of contents) {
        const name = `mslogin.${handle}`;
        failed(check(store, jar, handle, META, `${name}=${seal(SECRET, name, META, content)}`));
      }
    });

    it('malformed Cookie headers and handles', () => {
      for (const header of ['', ';;;', '=x', 'mslogin.', `mslogin.${handle}`, 'a=b; =; c'])
        failed(check(store, jar, handle, META, header), 'cookie_missing');
      failed(check(store, jar, ''), 'state_missing');
      for (const h of ['short', '__proto__', 'x'.repeat(10_000), `${handle}x`])
        failed(check(store, jar, h));
      failed(check(store, jar, 42 as unknown as string));
    });

    it('accepts the cookie among others and in quotes', () => {
      expect(
        check(store, jar, handle, META, `sid=1;mslogin.${handle}="${value}" ; theme=dark`).ok,
      ).to.equal('v');
    });

    it('accepts the cookie from a Cookie header given as an array (HTTP/2)', () => {
      const { req, res } = exchange(undefined);
      req.headers.cookie = ['sid=1', `mslogin.${handle}=${value}`] as unknown as string;
      let ok: unknown;
      store.verify(req, handle, META, (_err, result) => {
        ok = result;
      });
      expect(ok).to.equal('v');
      expect(setCookies(res)).to.have.length(1);
    });
  });

  describe('secret rotation', () => {
    it('opens cookies made with any listed secret and seals new ones with the first', () => {
      const before = new CookieStateStore({ secret: OTHER_SECRET });
      const during = new CookieStateStore({ secret: [SECRET, OTHER_SECRET] });
      const after = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const old = save(before, jar, 'old', 1).handle;
      expect(check(during, jar, old)).to.deep.include({ ok: 'old', state: 1 });
      const fresh = save(during, jar, 'new', 2).handle;
      const copy = jar.header();
      expect(check(after, jar, fresh)).to.deep.include({ ok: 'new', state: 2 });
      failed(check(new CookieStateStore({ secret: OTHER_SECRET }), jar, fresh, META, copy));
    });
  });

  describe('replays', () => {
    it('refuses a handle this store already accepted, even when the cookie is sent again', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle } = save(store, jar, 'v', null);
      const copy = jar.header();
      expect(check(store, jar, handle).ok).to.equal('v');
      failed(check(store, jar, handle, META, copy));
    });

    it('10,000 junk callbacks no longer make a captured callback usable again', function () {
      this.timeout(120_000);
      const warnings: string[] = [];
      const store = new CookieStateStore({
        secret: SECRET,
        logger: { warn: (message) => warnings.push(message) },
      });
      const victim = new Jar();
      const { handle } = save(store, victim, 'v', null);
      const captured = victim.header();
      expect(check(store, victim, handle).ok).to.equal('v');
      // Each junk callback: a fresh /login cookie, then its callback (which Microsoft would refuse).
      for (let i = 0; i < 10_000; i++) {
        const junk = new Jar();
        const login = save(store, junk, 'junk', null);
        expect(check(store, junk, login.handle).ok).to.equal('junk');
      }
      failed(check(store, victim, handle, META, captured));
      expect(warnings).to.deep.equal([]);
    });

    it('cannot stop a re-sent cookie at another instance (the stateless limit; Microsoft redeems the code only once)', () => {
      const a = new CookieStateStore({ secret: SECRET });
      const b = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle } = save(a, jar, 'v', null);
      const copy = jar.header();
      expect(check(a, jar, handle).ok).to.equal('v');
      expect(check(b, jar, handle, META, copy).ok).to.equal('v');
    });
  });

  describe('errors', () => {
    it('refuses a pending login whose cookie would exceed MAX_COOKIE_BYTES with MicrosoftStateError cookie_too_large', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const { req, res } = exchange(undefined);
      const err = storeError(store, req, { state: 'x'.repeat(CookieStateStore.MAX_COOKIE_BYTES) });
      expect(err).to.be.instanceOf(MicrosoftStateError);
      expect(err).to.include({ code: 'cookie_too_large' });
      expect((err as Error).message).to.match(
        /^CookieStateStore cannot keep this pending login: its cookie would be \d+ bytes, over the 3584-byte limit; keep the state passed to passport.authenticate small/,
      );
      expect(setCookies(res)).to.deep.equal([]);
    });

    it('keeps a pending login just under the limit', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle, lines } = save(store, jar, 'v', { state: 'x'.repeat(2400) });
      expect(Buffer.byteLength((lines[0] ?? '').split(';')[0] ?? '')).to.be.within(3000, 3584);
      expect(check(store, jar, handle).ok).to.equal('v');
    });

    it('calls back MicrosoftStateError response_missing without req.res, from store and from verify', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const req = fakeRequest({ session: null });
      const err = storeError(store, req);
      expect(err).to.be.instanceOf(MicrosoftStateError);
      expect(err).to.include({
        code: 'response_missing',
        message:
          'CookieStateStore keeps the pending login in a cookie, but req.res is missing: use Express (which sets req.res), or set req.res to the response before passport.authenticate',
      });
      let verifyErr: unknown;
      store.verify(req, 'x'.repeat(32), META, (e) => {
        verifyErr = e;
      });
      expect(verifyErr).to.include({ code: 'response_missing' });
    });

    it('calls back MicrosoftStateError response_missing when the headers were already sent', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const { req, res } = exchange(undefined);
      Object.defineProperty(res, 'headersSent', { value: true });
      expect(storeError(store, req)).to.include({
        code: 'response_missing',
        message: 'CookieStateStore cannot set its cookie: the response headers were already sent',
      });
    });

    it('calls back the error of a state that is not JSON', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const { req } = exchange(undefined);
      expect(storeError(store, req, { big: 1n })).to.be.instanceOf(TypeError);
    });
  });

  describe('with the strategy', () => {
    function strategy(store: CookieStateStore): Strategy {
      return new Strategy(
        {
          clientID: 'client',
          clientSecret: 'secret',
          callbackURL: 'https://app.example.com/login/callback',
          store,
        },
        (_a, _r, profile, done) => done(null, profile),
      );
    }

    it('sends the handle as state and sets a __Host- cookie (https callback), with no session middleware', async () => {
      const s = strategy(new CookieStateStore({ secret: SECRET }));
      const { req, res } = exchange(undefined, { url: '/login' });
      const url = new URL(expectRedirect(await authenticate(s, req)).url);
      const handle = url.searchParams.get('state') ?? '';
      expect(url.searchParams.get('nonce')).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(setCookies(res)).to.have.length(1);
      expect(setCookies(res)[0]).to.match(
        new RegExp(
          `^__Host-mslogin\\.${handle}=[^;]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure$`,
        ),
      );
    });

    it('fails a callback whose cookie did not come back with 403 and the store message', async () => {
      const s = strategy(new CookieStateStore({ secret: SECRET }));
      const start = exchange(undefined, { url: '/login' });
      const handle =
        new URL(expectRedirect(await authenticate(s, start.req)).url).searchParams.get('state') ??
        '';
      const { req } = exchange(undefined, { url: `/login/callback?code=c&state=${handle}` });
      const outcome = expectFail(await authenticate(s, req));
      expect(outcome).to.deep.equal({
        action: 'fail',
        challenge: REFUSED.cookie_missing,
        status: 403,
      });
    });

    it('clears the cookie of a login Microsoft answered with an error', async () => {
      const s = strategy(new CookieStateStore({ secret: SECRET }));
      const start = exchange(undefined, { url: '/login' });
      const handle =
        new URL(expectRedirect(await authenticate(s, start.req)).url).searchParams.get('state') ??
        '';
      const cookie = (setCookies(start.res)[0] ?? '').split(';')[0] ?? '';
      const { req, res } = exchange(cookie, {
        url: `/login/callback?error=access_denied&state=${handle}`,
      });
      expect(expectFail(await authenticate(s, req)).challenge).to.include({
        error: 'access_denied',
      });
      expect(setCookies(res)).to.deep.equal([
        `__Host-mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`,
      ]);
    });
  });

  describe('__Host- cookie names by default over https', () => {
    it('names the cookie __Host-mslogin.<handle>, Secure, Path=/ and no Domain, when the callback URL is https', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle, lines } = save(store, jar, 'v', null, META_HTTPS);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        new RegExp(
          `^__Host-mslogin\\.${handle}=[A-Za-z0-9_-]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure$`,
        ),
      );
      const result = check(store, jar, handle, META_HTTPS);
      expect(result).to.deep.include({ ok: 'v', state: null });
      expect(result.lines).to.deep.equal([
        `__Host-mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`,
      ]);
    });

    it('keeps mslogin.<handle> on http://localhost, where a __Host- cookie would need https', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const local = { ...META, callbackURL: 'http://localhost:3000/login/callback' };
      const { handle, lines } = save(store, new Jar(), 'v', null, local);
      expect(lines[0]).to.match(
        new RegExp(`^mslogin\\.${handle}=[^;]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`),
      );
    });

    it('keeps the configured name when cookieName, path or domain is set', () => {
      for (const [options, prefix] of [
        [{ cookieName: 'app_login' }, 'app_login.'],
        [{ path: '/' }, 'mslogin.'],
        [{ domain: 'app.example.com' }, 'mslogin.'],
        [{ cookieName: '__Host-mine' }, '__Host-mine.'],
      ] as const) {
        const store = new CookieStateStore({ secret: SECRET, ...options });
        const { handle, lines } = save(store, new Jar(), 'v', null, META_HTTPS);
        expect(lines[0], JSON.stringify(options)).to.satisfy((line: string) =>
          line.startsWith(`${prefix}${handle}=`),
        );
      }
    });

    it('still reads a pending login kept under the old name mslogin.<handle>, and clears it', () => {
      // A login started before the change (as a store with the old name made it) ends after it.
      const before = new CookieStateStore({ secret: SECRET, cookieName: 'mslogin' });
      const after = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle } = save(before, jar, 'old', 1, META_HTTPS);
      expect([...jar.cookies.keys()]).to.deep.equal([`mslogin.${handle}`]);
      const result = check(after, jar, handle, META_HTTPS);
      expect(result).to.deep.include({ ok: 'old', state: 1 });
      expect(result.lines).to.deep.equal([
        `mslogin.${handle}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
      expect(jar.cookies.size).to.equal(0);
    });

    it('counts old-name cookies toward maxPending when it starts a login', () => {
      const before = new CookieStateStore({ secret: SECRET, cookieName: 'mslogin' });
      const after = new CookieStateStore({ secret: SECRET, maxPending: 2 });
      const jar = new Jar();
      const old = save(before, jar, 'v', null, META_HTTPS).handle;
      clock = sinon.useFakeTimers({ now: Date.now() + 1000, toFake: ['Date'] });
      const newer = save(after, jar, 'v', null, META_HTTPS).handle;
      clock.tick(1000);
      const newest = save(after, jar, 'v', null, META_HTTPS);
      expect(newest.lines[0]).to.equal(
        `mslogin.${old}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      );
      expect([...jar.cookies.keys()].sort()).to.deep.equal(
        [`__Host-mslogin.${newer}`, `__Host-mslogin.${newest.handle}`].sort(),
      );
    });

    it('finds the cookie by its exact name behind 200 junk cookies with its prefix', () => {
      const store = new CookieStateStore({ secret: SECRET });
      for (const meta of [META, META_HTTPS]) {
        const jar = new Jar();
        const { handle } = save(store, jar, 'v', null, meta);
        const junk = Array.from(
          { length: 200 },
          (_, i) =>
            `mslogin.${randomBytes(24).toString('base64url')}=junk${i}; __Host-mslogin.x${i}=y`,
        ).join('; ');
        const result = check(store, jar, handle, meta, `${junk}; ${jar.header()}`);
        expect(result.ok, meta.callbackURL).to.equal('v');
      }
    });

    it('tries a bounded number of values of one name (a flood of same-name cookies is not read to the end)', () => {
      const store = new CookieStateStore({ secret: SECRET });
      const jar = new Jar();
      const { handle } = save(store, jar, 'v', null, META_HTTPS);
      const name = `__Host-mslogin.${handle}`;
      const flood = Array.from({ length: 50 }, () => `${name}=AAAA`).join('; ');
      failed(check(store, jar, handle, META_HTTPS, `${flood}; ${jar.header()}`));
      // Within the bound, the real value behind a few junk ones of the same name still opens.
      const fresh = save(store, jar, 'w', null, META_HTTPS).handle;
      const freshName = `__Host-mslogin.${fresh}`;
      const few = Array.from({ length: 3 }, () => `${freshName}=AAAA`).join('; ');
      expect(check(store, jar, fresh, META_HTTPS, `${few}; ${jar.header()}`).ok).to.equal('w');
    });
  });

  describe('exports', () => {
    it("is CookieStateStore on require('passport-microsoft-account') too", () => {
      expect(Entry.CookieStateStore).to.equal(CookieStateStore);
      expect(new Entry.CookieStateStore({ secret: SECRET })).to.be.instanceOf(CookieStateStore);
    });
  });

  it('take resolves what verify calls back, and a second take of the same cookie is refused', async () => {
    const store = new CookieStateStore({ secret: SECRET });
    const jar = new Jar();
    const { handle } = save(store, jar, 'verifier-1', { nonce: 'n' });
    const cookie = jar.header();
    const first = exchange(cookie);
    expect(await store.take(first.req, handle, META)).to.deep.equal({
      ok: 'verifier-1',
      state: { nonce: 'n' },
    });
    const again = exchange(cookie);
    expect(await store.take(again.req, handle, META)).to.deep.equal({
      ok: false,
      state: REFUSED.no_pending_login,
    });
  });
});
