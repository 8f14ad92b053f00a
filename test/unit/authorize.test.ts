import { expect } from 'chai';
import { MicrosoftStateError } from '../../lib/errors.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftAuthenticateOptions, StateStore, StateStoreMeta } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { CLIENT_ID, CLIENT_SECRET, s256, sessionKeyOf } from '../helpers/microsoft.js';
import {
  authenticate,
  baseOf,
  expectErrorOf,
  expectRedirect,
  fakeRequest,
  queryOf,
  storedLogin,
} from '../helpers/passport.js';
import type { FakeRequestInit } from '../helpers/passport.js';

const verify = (
  _a: string,
  _r: string | undefined,
  _p: unknown,
  done: (err: unknown, user?: object) => void,
): void => done(null, {});
const AUTHORIZE = 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize';
const DEFAULT_SCOPE = 'openid profile email offline_access User.Read';
const CALLBACK = 'http://app.example.com/auth/microsoft/callback';

function strategy(extra: Partial<StrategyOptions> = {}): Strategy {
  return new Strategy(
    {
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      callbackURL: '/auth/microsoft/callback',
      ...extra,
    },
    verify,
  );
}

/** Starts a login and returns the redirect URL, its query and the session. */
async function redirectOf(
  s: Strategy,
  options: MicrosoftAuthenticateOptions = {},
  req: FakeRequestInit = {},
): Promise<{ url: string; query: Record<string, string>; session: Record<string, unknown> }> {
  const session: Record<string, unknown> = {};
  const outcome = expectRedirect(await authenticate(s, fakeRequest({ session, ...req }), options));
  return { url: outcome.url, query: queryOf(outcome.url), session };
}

describe('unit: authorization request', () => {
  describe('with the defaults', () => {
    it('redirects to the common authorize endpoint with exactly the protocol parameters', async () => {
      const s = strategy();
      const { url, query, session } = await redirectOf(s);
      expect(baseOf(url)).to.equal(AUTHORIZE);
      const stored = storedLogin(session, sessionKeyOf(s), query['state'] ?? '');
      expect(stored, 'pending login in the session').to.not.equal(undefined);
      const verifier = stored?.v;
      expect(verifier)
        .to.be.a('string')
        .that.matches(/^[A-Za-z0-9_-]{43,128}$/);
      expect(query).to.deep.equal({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: DEFAULT_SCOPE,
        state: query['state'],
        code_challenge: s256(verifier as string),
        code_challenge_method: 'S256',
        nonce: stored?.s.nonce,
      });
    });

    it('sends a state handle of at least 128 bits and keeps it only in the session', async () => {
      const s = strategy();
      const { query, session } = await redirectOf(s);
      expect(query['state']).to.match(/^[A-Za-z0-9_-]{22,}$/);
      expect(Object.keys(session)).to.deep.equal([sessionKeyOf(s)]);
    });

    it('stores the nonce it sends, and remembers that openid was requested', async () => {
      const s = strategy();
      const { query, session } = await redirectOf(s);
      const stored = storedLogin(session, sessionKeyOf(s), query['state'] ?? '');
      expect(stored?.s).to.deep.equal({ '@microsoft': 1, openid: true, nonce: query['nonce'] });
      expect(query['nonce']).to.match(/^[A-Za-z0-9_-]{32}$/);
    });

    it('URL-encodes the redirect_uri in the query string', async () => {
      const { url } = await redirectOf(strategy());
      expect(url).to.contain(
        'redirect_uri=http%3A%2F%2Fapp.example.com%2Fauth%2Fmicrosoft%2Fcallback',
      );
      expect(url).to.contain('scope=openid+profile+email+offline_access+User.Read');
    });

    it('uses a fresh state, verifier and nonce for every login, and keeps concurrent logins apart', async () => {
      const s = strategy();
      const session: Record<string, unknown> = {};
      const first = queryOf(expectRedirect(await authenticate(s, fakeRequest({ session }))).url);
      const second = queryOf(expectRedirect(await authenticate(s, fakeRequest({ session }))).url);
      expect(first['state']).to.not.equal(second['state']);
      expect(first['code_challenge']).to.not.equal(second['code_challenge']);
      expect(first['nonce']).to.not.equal(second['nonce']);
      expect(storedLogin(session, sessionKeyOf(s), first['state'] ?? '')).to.not.equal(undefined);
      expect(storedLogin(session, sessionKeyOf(s), second['state'] ?? '')).to.not.equal(undefined);
    });

    it('keys the session by authorize host and client id', async () => {
      const { session } = await redirectOf(strategy());
      expect(Object.keys(session)).to.deep.equal([
        `microsoft:login.microsoftonline.com:${CLIENT_ID}`,
      ]);
    });

    it('honours a custom sessionKey', async () => {
      const { session } = await redirectOf(strategy({ sessionKey: 'oauth:ms' }));
      expect(Object.keys(session)).to.deep.equal(['oauth:ms']);
    });
  });

  describe('redirect_uri', () => {
    it('resolves a relative callbackURL against the request host', async () => {
      const { query } = await redirectOf(strategy(), {}, { headers: { host: 'localhost:3000' } });
      expect(query['redirect_uri']).to.equal('http://localhost:3000/auth/microsoft/callback');
    });

    it('uses https when the request arrived over TLS', async () => {
      const { query } = await redirectOf(strategy(), {}, { encrypted: true });
      expect(query['redirect_uri']).to.equal('https://app.example.com/auth/microsoft/callback');
    });

    it('honours X-Forwarded-Proto and X-Forwarded-Host with proxy: true', async () => {
      const { query } = await redirectOf(
        strategy({ proxy: true }),
        {},
        {
          headers: {
            'X-Forwarded-Proto': 'https, http',
            'X-Forwarded-Host': 'login.contoso.com, internal:8080',
          },
        },
      );
      expect(query['redirect_uri']).to.equal('https://login.contoso.com/auth/microsoft/callback');
    });

    it('ignores X-Forwarded-* headers without proxy: true', async () => {
      const { query } = await redirectOf(
        strategy(),
        {},
        { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example.net' } },
      );
      expect(query['redirect_uri']).to.equal(CALLBACK);
    });

    it('sends an absolute callbackURL unchanged', async () => {
      const { query } = await redirectOf(
        strategy({ callbackURL: 'https://app.contoso.com/login/callback' }),
        {},
        { headers: { host: 'other.example.net' } },
      );
      expect(query['redirect_uri']).to.equal('https://app.contoso.com/login/callback');
    });

    it('takes a per-request callbackURL', async () => {
      const { query } = await redirectOf(strategy(), { callbackURL: '/other/callback' });
      expect(query['redirect_uri']).to.equal('http://app.example.com/other/callback');
    });
  });

  describe('per-request parameters', () => {
    for (const prompt of ['login', 'none', 'consent', 'select_account'] as const) {
      it(`sends prompt=${prompt}`, async () => {
        const { query } = await redirectOf(strategy(), { prompt });
        expect(query['prompt']).to.equal(prompt);
      });
    }

    it('sends loginHint as login_hint', async () => {
      const { query } = await redirectOf(strategy(), { loginHint: 'adelev@contoso.com' });
      expect(query['login_hint']).to.equal('adelev@contoso.com');
    });

    it("accepts passport-microsoft's login_hint spelling", async () => {
      const { query } = await redirectOf(strategy(), { login_hint: 'avery@outlook.com' });
      expect(query['login_hint']).to.equal('avery@outlook.com');
    });

    it('sends domainHint and domain_hint as domain_hint', async () => {
      expect(
        (await redirectOf(strategy(), { domainHint: 'consumers' })).query['domain_hint'],
      ).to.equal('consumers');
      expect(
        (await redirectOf(strategy(), { domain_hint: 'contoso.com' })).query['domain_hint'],
      ).to.equal('contoso.com');
    });

    it('sends responseMode form_post as response_mode', async () => {
      expect(
        (await redirectOf(strategy(), { responseMode: 'form_post' })).query['response_mode'],
      ).to.equal('form_post');
      expect(
        (await redirectOf(strategy(), { response_mode: 'query' })).query['response_mode'],
      ).to.equal('query');
    });

    it('sends maxAge as max_age, including 0', async () => {
      expect((await redirectOf(strategy(), { maxAge: 3600 })).query['max_age']).to.equal('3600');
      expect((await redirectOf(strategy(), { maxAge: 0 })).query['max_age']).to.equal('0');
    });

    it("sends locale as mkt (read by Microsoft's pages) and as ui_locales (the OpenID Connect parameter)", async () => {
      const { query } = await redirectOf(strategy(), { locale: 'fr-FR' });
      expect(query['mkt']).to.equal('fr-FR');
      expect(query['ui_locales']).to.equal('fr-FR');
      expect(query).to.not.have.property('locale');
    });

    it('sends display', async () => {
      expect((await redirectOf(strategy(), { display: 'popup' })).query['display']).to.equal(
        'popup',
      );
    });

    it('sends every parameter at once next to the protocol parameters', async () => {
      const { query } = await redirectOf(strategy(), {
        prompt: 'consent',
        loginHint: 'a@contoso.com',
        domainHint: 'organizations',
        responseMode: 'form_post',
        maxAge: 60,
        locale: 'de',
        display: 'page',
      });
      expect(Object.keys(query).sort()).to.deep.equal([
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'display',
        'domain_hint',
        'login_hint',
        'max_age',
        'mkt',
        'nonce',
        'prompt',
        'redirect_uri',
        'response_mode',
        'response_type',
        'scope',
        'state',
        'ui_locales',
      ]);
    });

    it('replaces the configured scope with a per-request scope array', async () => {
      const { query } = await redirectOf(strategy(), {
        scope: ['openid', 'User.Read', 'Mail.Read'],
      });
      expect(query['scope']).to.equal('openid User.Read Mail.Read');
      expect(query).to.have.property('nonce');
    });

    it('replaces the configured scope with a per-request scope string and sends no nonce without openid', async () => {
      const s = strategy();
      const { query, session } = await redirectOf(s, { scope: 'User.Read Calendars.Read' });
      expect(query['scope']).to.equal('User.Read Calendars.Read');
      expect(query).to.not.have.property('nonce');
      expect(storedLogin(session, sessionKeyOf(s), query['state'] ?? '')?.s).to.deep.equal({
        '@microsoft': 1,
        openid: false,
      });
    });

    it('sends a configured scope string split on spaces and commas', async () => {
      const { query } = await redirectOf(strategy({ scope: 'openid,User.Read  offline_access' }));
      expect(query['scope']).to.equal('openid User.Read offline_access');
    });

    it('skips empty hints', async () => {
      const { query } = await redirectOf(strategy(), {
        loginHint: '',
        domainHint: '',
        locale: '',
        display: '',
      });
      expect(Object.keys(query).sort()).to.deep.equal([
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'nonce',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ]);
    });
  });

  describe('invalid per-request parameters end in the error action', () => {
    async function errorFor(options: Record<string, unknown>): Promise<TypeError> {
      return expectErrorOf(
        await authenticate(strategy(), fakeRequest(), options as MicrosoftAuthenticateOptions),
        TypeError,
      );
    }

    it('rejects a per-request tenant that is neither a GUID nor a domain', async () => {
      expect((await errorFor({ tenant: 'organizations' })).message).to.equal(
        'passport.authenticate("microsoft") option tenant must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com; got "organizations"',
      );
    });

    it('rejects a per-request tenant with a single-tenant authority', async () => {
      const single = strategy({ tenant: 'contoso.onmicrosoft.com' });
      const err = expectErrorOf(
        await authenticate(single, fakeRequest(), { tenant: 'fabrikam.onmicrosoft.com' }),
        TypeError,
      );
      expect(err.message).to.equal(
        'passport.authenticate("microsoft") option tenant needs a multi-tenant authority (common or organizations); this one is https://login.microsoftonline.com/contoso.onmicrosoft.com',
      );
    });

    it('rejects a per-request tenant without state', async () => {
      const stateless = strategy({ state: false, pkce: false });
      const err = expectErrorOf(
        await authenticate(stateless, fakeRequest(), { tenant: 'contoso.onmicrosoft.com' }),
        TypeError,
      );
      expect(err.message).to.equal(
        'passport.authenticate("microsoft") option tenant needs state: the tenant is kept with the pending login',
      );
    });

    it('sends a per-request tenant to its authorize endpoint and keeps it with the pending login', async () => {
      const { url } = await redirectOf(strategy(), { tenant: 'contoso.onmicrosoft.com' });
      expect(baseOf(url)).to.equal(
        'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      );
    });

    it('rejects an unknown prompt', async () => {
      expect((await errorFor({ prompt: 'always' })).message).to.equal(
        'passport.authenticate("microsoft") option prompt must be login, none, consent or select_account; got "always"',
      );
    });

    it('rejects a response mode other than query and form_post', async () => {
      expect((await errorFor({ responseMode: 'fragment' })).message).to.equal(
        'passport.authenticate("microsoft") option responseMode must be query or form_post; got "fragment"',
      );
    });

    it('rejects a negative maxAge', async () => {
      expect((await errorFor({ maxAge: -1 })).message).to.equal(
        'passport.authenticate("microsoft") option maxAge must be a whole number of seconds; got -1',
      );
    });

    it('rejects a fractional maxAge', async () => {
      expect((await errorFor({ maxAge: 1.5 })).message).to.equal(
        'passport.authenticate("microsoft") option maxAge must be a whole number of seconds; got 1.5',
      );
    });

    it('rejects select_account together with a login hint', async () => {
      expect(
        (await errorFor({ prompt: 'select_account', loginHint: 'a@contoso.com' })).message,
      ).to.equal(
        'passport.authenticate("microsoft"): prompt select_account cannot be combined with a login hint (Microsoft rejects it)',
      );
    });

    it('rejects an empty per-request scope', async () => {
      expect((await errorFor({ scope: [] })).message).to.equal(
        'passport.authenticate("microsoft") option scope must name at least one scope',
      );
    });

    it('stores no pending login when the request is rejected', async () => {
      const session: Record<string, unknown> = {};
      await authenticate(strategy(), fakeRequest({ session }), { prompt: 'always' as 'login' });
      expect(session).to.deep.equal({});
    });
  });

  describe('nothing else leaks into the authorize URL', () => {
    it("keeps Passport's own options out", async () => {
      const { query } = await redirectOf(strategy(), {
        failureRedirect: '/login',
        successRedirect: '/',
        successReturnToOrRedirect: '/',
        failureMessage: true,
        failureFlash: 'Nope',
        successMessage: 'Welcome',
        session: false,
        assignProperty: 'account',
        authInfo: false,
        keepSessionInfo: true,
        state: { returnTo: '/dashboard' },
        pkce: false,
        audience: 'x',
        resource: 'https://graph.microsoft.com',
      } as MicrosoftAuthenticateOptions);
      expect(Object.keys(query).sort()).to.deep.equal([
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'nonce',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ]);
    });

    it('keeps the application state in the session, not in the URL', async () => {
      const s = strategy();
      const { url, query, session } = await redirectOf(s, { state: { returnTo: '/dashboard' } });
      expect(url).to.not.contain('dashboard');
      expect(storedLogin(session, sessionKeyOf(s), query['state'] ?? '')?.s.state).to.deep.equal({
        returnTo: '/dashboard',
      });
    });

    it('keeps the client secret out', async () => {
      const { url } = await redirectOf(strategy());
      expect(url).to.not.contain(CLIENT_SECRET);
      expect(url).to.not.contain(encodeURIComponent(CLIENT_SECRET));
    });

    it('keeps the query of an authorizationURL override', async () => {
      const { url, query } = await redirectOf(
        strategy({ authorizationURL: 'https://login.example.test/authorize?p=signin' }),
      );
      expect(baseOf(url)).to.equal('https://login.example.test/authorize');
      expect(query['p']).to.equal('signin');
      expect(query['client_id']).to.equal(CLIENT_ID);
    });
  });

  describe('state and PKCE switched off', () => {
    it('sends no state, code_challenge or nonce with state: false', async () => {
      const { query, session } = await redirectOf(strategy({ state: false }));
      expect(query).to.deep.equal({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: DEFAULT_SCOPE,
      });
      expect(session).to.deep.equal({});
    });

    it('sends the same with state: false and pkce: false', async () => {
      const { query } = await redirectOf(strategy({ state: false, pkce: false }));
      expect(Object.keys(query).sort()).to.deep.equal([
        'client_id',
        'redirect_uri',
        'response_type',
        'scope',
      ]);
    });

    it('does not need a session with state: false', async () => {
      const outcome = await authenticate(
        strategy({ state: false }),
        fakeRequest({ session: null }),
      );
      expect(outcome.action).to.equal('redirect');
    });

    it('sends state and nonce but no code_challenge with pkce: false', async () => {
      const s = strategy({ pkce: false });
      const { query, session } = await redirectOf(s);
      expect(Object.keys(query).sort()).to.deep.equal([
        'client_id',
        'nonce',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ]);
      expect(storedLogin(session, sessionKeyOf(s), query['state'] ?? '')?.v).to.equal(true);
    });
  });

  describe('the session', () => {
    it('ends in a MicrosoftStateError session_missing without session middleware', async () => {
      const err = expectErrorOf(
        await authenticate(strategy(), fakeRequest({ session: null })),
        MicrosoftStateError,
      );
      expect(err.code).to.equal('session_missing');
      expect(err.message).to.contain('req.session is missing');
    });
  });

  describe('a custom store', () => {
    it('receives the verifier, the pending login and the request metadata, and supplies the state handle', async () => {
      const calls: Array<{ verifier: string | undefined; state: unknown; meta: StateStoreMeta }> =
        [];
      const store: StateStore = {
        store: (_req, verifier, state, meta, cb) => {
          calls.push({ verifier, state, meta });
          cb(null, 'handle-123');
        },
        verify: (_req, _handle, _meta, cb) => cb(null, false),
      };
      const { query } = await redirectOf(strategy({ store }), { state: 'app-state' });
      expect(calls).to.have.length(1);
      const call = calls[0];
      expect(query['state']).to.equal('handle-123');
      expect(query['code_challenge']).to.equal(s256(call?.verifier ?? ''));
      expect(call?.state).to.deep.equal({
        '@microsoft': 1,
        openid: true,
        nonce: query['nonce'],
        state: 'app-state',
      });
      expect(call?.meta).to.deep.equal({
        authorizationURL: AUTHORIZE,
        tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        clientID: CLIENT_ID,
        callbackURL: CALLBACK,
      });
    });

    it("passes the store's error to the error action", async () => {
      const failure = new Error('redis down');
      const store: StateStore = {
        store: (_r, _v, _s, _m, cb) => cb(failure),
        verify: (_r, _h, _m, cb) => cb(null, false),
      };
      const outcome = await authenticate(strategy({ store }), fakeRequest());
      expect(outcome).to.deep.equal({ action: 'error', error: failure });
    });

    it('rejects a store that returns no handle', async () => {
      const store: StateStore = {
        store: (_r, _v, _s, _m, cb) => cb(null, ''),
        verify: (_r, _h, _m, cb) => cb(null, false),
      };
      const err = expectErrorOf(await authenticate(strategy({ store }), fakeRequest()), TypeError);
      expect(err.message).to.equal('The state store returned no state handle');
    });
  });
});
