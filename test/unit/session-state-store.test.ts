import { expect } from 'chai';
import sinon from 'sinon';
import { MicrosoftStateError } from '../../lib/errors.js';
import { SessionStateStore } from '../../lib/state/session-state-store.js';
import type { StateStoreMeta } from '../../lib/types.js';
import { fakeRequest } from '../helpers/passport.js';

const META: StateStoreMeta = {
  authorizationURL: 'https://login/authorize',
  tokenURL: 'https://login/token',
  clientID: 'client',
  callbackURL: 'https://app/cb',
};
const KEY = 'microsoft:login:client';

function save(
  store: SessionStateStore,
  session: Record<string, unknown>,
  verifier: string | undefined,
  state: unknown,
): string {
  let handle = '';
  store.store(fakeRequest({ session }), verifier, state, META, (err, h) => {
    if (err) throw err;
    handle = h ?? '';
  });
  return handle;
}

function check(
  store: SessionStateStore,
  session: Record<string, unknown> | null,
  handle: string,
  cookie: string | null = 'connect.sid=s%3Asession',
): { err: Error | null; ok: string | boolean | undefined; state: unknown } {
  let result: { err: Error | null; ok: string | boolean | undefined; state: unknown } = {
    err: null,
    ok: undefined,
    state: undefined,
  };
  const headers = cookie === null ? {} : { cookie };
  store.verify(fakeRequest({ session, headers }), handle, META, (err, ok, state) => {
    result = { err, ok, state };
  });
  return result;
}

describe('unit: session state store', () => {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('hands back the verifier and state once, then forgets them', () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {};
    const handle = save(store, session, 'verifier-1', { nonce: 'n' });
    expect(check(store, session, handle)).to.deep.equal({
      err: null,
      ok: 'verifier-1',
      state: { nonce: 'n' },
    });
    expect(session).to.deep.equal({});
    expect(check(store, session, handle).ok).to.equal(false);
  });

  it('answers true instead of a verifier without PKCE', () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {};
    expect(check(store, session, save(store, session, undefined, null)).ok).to.equal(true);
  });

  it('keeps several pending logins and drops the oldest beyond maxPending', () => {
    const store = new SessionStateStore({ key: KEY, maxPending: 2 });
    const session: Record<string, unknown> = {};
    const first = save(store, session, 'v1', 1);
    const second = save(store, session, 'v2', 2);
    const third = save(store, session, 'v3', 3);
    expect(check(store, session, first).ok).to.equal(false);
    expect(check(store, session, second).ok).to.equal('v2');
    expect(check(store, session, third).ok).to.equal('v3');
  });

  it('expires a pending login after maxAgeMs', () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const store = new SessionStateStore({ key: KEY, maxAgeMs: 60_000 });
    const session: Record<string, unknown> = {};
    const fresh = save(store, session, 'v1', null);
    const stale = save(store, session, 'v2', null);
    clock.tick(30_000);
    expect(check(store, session, fresh).ok).to.equal('v1');
    clock.tick(30_001);
    expect(check(store, session, stale)).to.deep.equal({
      err: null,
      ok: false,
      state: {
        message: 'Unable to verify authorization request state: the pending sign-in expired',
        reason: 'expired',
      },
    });
  });

  it('fails an unknown or used handle with reason no_pending_login', () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {};
    const handle = save(store, session, 'v1', null);
    expect(check(store, session, handle).ok).to.equal('v1');
    const refused = {
      message:
        'Unable to verify authorization request state: no pending sign-in matches it (it expired, was already used, or the session cookie did not come back)',
      reason: 'no_pending_login',
    };
    expect(check(store, session, handle).state).to.deep.equal(refused);
    expect(check(store, session, 'never-issued').state).to.deep.equal(refused);
  });

  it('fails a callback that came without any cookie with reason cookie_missing', () => {
    const store = new SessionStateStore({ key: KEY });
    // The session middleware made a new, empty session: the browser sent no session cookie.
    expect(check(store, {}, 'a-handle', null).state).to.deep.equal({
      message:
        'Unable to verify authorization request state: the browser sent no cookie with the callback, so the pending sign-in was not found (SameSite, a Secure cookie over http, or another host name)',
      reason: 'cookie_missing',
    });
  });

  it('ignores malformed entries a session may hold', () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {
      [KEY]: { a: null, b: { v: 5, t: Date.now() }, c: { v: 'x' }, d: 'junk' },
    };
    for (const handle of ['a', 'b', 'c', 'd'])
      expect(check(store, session, handle).ok, handle).to.equal(false);
    expect(session).to.deep.equal({});
  });

  it('does not match inherited object keys as handles', () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {};
    save(store, session, 'v', null);
    expect(check(store, session, '__proto__').ok).to.equal(false);
    expect(check(store, session, 'constructor').ok).to.equal(false);
  });

  it('explains an empty handle', () => {
    const store = new SessionStateStore({ key: KEY });
    expect(check(store, {}, '').state).to.deep.equal({
      message: 'Unable to verify authorization request state: the callback has no state',
      reason: 'state_missing',
    });
  });

  it('reports a missing session as MicrosoftStateError session_missing on store and verify', () => {
    const store = new SessionStateStore({ key: KEY });
    let storeErr: Error | null = null;
    store.store(fakeRequest({ session: null }), 'v', null, META, (err) => {
      storeErr = err;
    });
    expect(storeErr).to.be.instanceOf(MicrosoftStateError).with.property('code', 'session_missing');
    expect(check(store, null, 'h').err)
      .to.be.instanceOf(MicrosoftStateError)
      .with.property('code', 'session_missing');
  });

  it('take on two copies of one session (parallel requests): exactly one gets the pending login', async () => {
    const store = new SessionStateStore({ key: KEY });
    const session: Record<string, unknown> = {};
    const handle = save(store, session, 'verifier-1', { nonce: 'n' });
    // Each parallel request loads its own copy of the session from the session store.
    const copies = [0, 1, 2].map(
      () => JSON.parse(JSON.stringify(session)) as Record<string, unknown>,
    );
    const results = await Promise.all(
      copies.map((copy) => store.take(fakeRequest({ session: copy }), handle, META)),
    );
    expect(results.filter((r) => r.ok === 'verifier-1')).to.have.length(1);
    expect(results.filter((r) => r.ok === false)).to.have.length(2);
    expect(results.find((r) => r.ok !== false)?.state).to.deep.equal({ nonce: 'n' });
  });

  it('take rejects with the store error when the session is missing', async () => {
    const store = new SessionStateStore({ key: KEY });
    let err: unknown;
    try {
      await store.take(fakeRequest({ session: null }), 'h', META);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MicrosoftStateError).with.property('code', 'session_missing');
  });
});
