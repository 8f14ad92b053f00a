/**
 * Interop: a whole authorization-code login of this library's Passport strategy, keeping the
 * pending login in the CookieStateStore (no session middleware, `session: false`), against another
 * implementation of an OpenID provider, oidc-provider. Its authority is "custom" (not a Microsoft
 * host, and a loopback path longer than the tenant), so the strategy reads the endpoints from
 * oidc-provider's discovery document and checks the ID token's iss against its issuer exactly.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { Passport } from 'passport';
import { CookieStateStore } from '../../lib/state/cookie-state-store.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import { STATE_FAILURE } from '../helpers/state-failures.js';

const CLIENT_ID = 'interop-cookie-client';
const CLIENT_SECRET = 'interop-cookie-client-secret-interop-cookie-client-secret';
const COOKIE_SECRET = 'interop-cookie-store-secret-interop-0001';
const ACCOUNT = {
  sub: 'interop-user-1',
  oid: '00000000-0000-4000-8000-0000000000a1',
  tid: '00000000-0000-4000-8000-0000000000b2',
  name: 'Interop User',
  preferred_username: 'interop.user@example.com',
};

/** The part of oidc-provider the test uses (the package ships no types). */
interface InteractionDetails {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}
interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface ProviderLike {
  callback(): (req: unknown, res: unknown) => void;
  on(event: string, listener: (ctx: { oidc: { params: Record<string, unknown> } }) => void): void;
  interactionDetails(req: unknown, res: unknown): Promise<InteractionDetails>;
  interactionFinished(
    req: unknown,
    res: unknown,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => GrantLike;
}
type ProviderConstructor = new (issuer: string, config: Record<string, unknown>) => ProviderLike;

/** The callback route's answer: how Passport ended the login. */
interface Outcome {
  action: 'success' | 'fail' | 'error';
  status?: number;
  info?: Record<string, unknown>;
  profile?: MicrosoftProfile;
  error?: { name: string; code?: unknown; message: string };
}

interface Answer {
  status: number;
  location: string | undefined;
  setCookie: string[];
  body: string;
}

/** A browser reduced to what the login needs: one cookie jar (one host) and manual redirects. */
class CookieClient {
  readonly cookies = new Map<string, string>();

  async get(url: string, cookieHeader?: string): Promise<Answer> {
    const cookie = cookieHeader ?? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual',
      headers: cookie === '' ? {} : { cookie },
    });
    const setCookie = res.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k = '', v = ''] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      location: location === undefined ? undefined : new URL(location, url).href,
      setCookie,
      body: await res.text(),
    };
  }
}

describe('interop: Passport login with the cookie state store at oidc-provider', function () {
  this.timeout(20_000);
  let server: Server;
  let base: string;
  let issuer: string;
  /** What oidc-provider's token endpoint received, one entry per successful code redemption. */
  const redeemed: Array<Record<string, unknown>> = [];
  /** Paths of the provider's requests (method and path), in order. */
  const providerRequests: string[] = [];

  before(async () => {
    // oidc-provider is ESM-only and ships no types; loaded like the private_key_jwt interop test.
    const specifier = 'oidc-provider';
    const { default: Provider } = (await import(specifier)) as { default: ProviderConstructor };
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The strategy reads `${authority}/v2.0/.well-known/openid-configuration`: mount the provider
    // at `<authority>/v2.0` and make that its issuer.
    const authority = `${base}/op/t1`;
    const mount = '/op/t1/v2.0';
    issuer = `${base}${mount}`;

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${base}/login/callback`],
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: {
        keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'interop-rs256', use: 'sig' }],
      },
      cookies: { keys: ['interop-cookie-store-provider-key'] },
      claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'oid', 'tid'] },
      // Put the profile scope's claims in the ID token (the strategy reads no userinfo).
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
      pkce: { methods: ['S256'], required: () => true },
      findAccount: (_ctx: unknown, id: string) =>
        id === ACCOUNT.sub ? { accountId: id, claims: () => ({ ...ACCOUNT }) } : undefined,
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
    });
    provider.on('grant.success', (ctx) => redeemed.push({ ...ctx.oidc.params }));

    // The user's side of the provider: signs ACCOUNT in and grants what the client asked for.
    app.get('/interaction/:uid', (req, res, next) => {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: ACCOUNT.sub } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        const grant = new provider.Grant({ accountId: ACCOUNT.sub, clientId: CLIENT_ID });
        grant.addOIDCScope(String(details.params['scope']));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
      })().catch(next);
    });
    app.use(mount, (req, _res, next) => {
      providerRequests.push(`${req.method} ${req.path}`);
      next();
    });
    app.use(mount, provider.callback() as express.RequestHandler);

    // The relying party: this library's strategy, no session middleware anywhere.
    const passport = new Passport();
    const strategy = new Strategy(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        authority,
        callbackURL: `${base}/login/callback`,
        scope: 'openid profile',
        profileSource: 'id_token',
        store: new CookieStateStore({ secret: COOKIE_SECRET }),
      },
      (_accessToken, _refreshToken, profile, done) => done(null, { profile }),
    );
    passport.use(strategy);
    app.use(passport.initialize());
    app.get('/login', passport.authenticate(strategy.name, { session: false }));
    app.get('/login/callback', (req, res, next) => {
      passport.authenticate(
        strategy.name,
        { session: false },
        (
          err: unknown,
          user: { profile: MicrosoftProfile } | false,
          info: unknown,
          status: unknown,
        ) => {
          if (err) {
            const e = err as Error & { code?: unknown };
            const outcome: Outcome = {
              action: 'error',
              error: { name: e.name, code: e.code, message: e.message },
            };
            res.status(500).json(outcome);
            return;
          }
          if (!user) {
            const code = typeof status === 'number' ? status : 401;
            const outcome: Outcome = {
              action: 'fail',
              status: code,
              info: (info ?? {}) as Record<string, unknown>,
            };
            res.status(code).json(outcome);
            return;
          }
          res.json({ action: 'success', profile: user.profile } satisfies Outcome);
        },
      )(req, res, next);
    });
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('signs the user in: state, PKCE and nonce travel in the cookie, the ID token is verified, a replay gets 403', async () => {
    const browser = new CookieClient();

    // 1. The app starts the login: one encrypted cookie named after the state, a redirect to the
    //    authorization endpoint the strategy read from oidc-provider's discovery document.
    const start = await browser.get(`${base}/login`);
    expect(start.status).to.equal(302);
    const authorize = new URL(start.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).to.equal(`${issuer}/auth`);
    const q = authorize.searchParams;
    const state = q.get('state') ?? '';
    const nonce = q.get('nonce') ?? '';
    const challenge = q.get('code_challenge') ?? '';
    expect(q.get('client_id')).to.equal(CLIENT_ID);
    expect(q.get('response_type')).to.equal('code');
    expect(q.get('scope')).to.equal('openid profile');
    expect(q.get('code_challenge_method')).to.equal('S256');
    expect(state).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(nonce).to.not.equal('');
    expect(challenge).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(start.setCookie).to.have.length(1);
    expect(start.setCookie[0]).to.match(
      new RegExp(
        `^mslogin\\.${state}=[A-Za-z0-9_-]+; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`,
      ),
    );
    const loginCookie = `mslogin.${state}=${browser.cookies.get(`mslogin.${state}`) ?? ''}`;
    // Nothing of the pending login is readable in the cookie.
    for (const secret of [state, nonce, challenge])
      expect(loginCookie.slice(`mslogin.${state}=`.length)).to.not.include(secret);

    // 2. oidc-provider: login and consent interactions, finished by the test's routes, until it
    //    redirects back to the app's callback with a code.
    let answer = await browser.get(authorize.href);
    for (let hops = 0; !answer.location?.startsWith(`${base}/login/callback`); hops++) {
      expect(hops, `stuck at ${answer.status} ${answer.location} ${answer.body}`).to.be.below(10);
      expect(answer.status).to.be.oneOf([302, 303]);
      answer = await browser.get(answer.location ?? '');
    }
    const callbackURL = answer.location ?? '';
    const back = new URL(callbackURL).searchParams;
    expect(back.get('state')).to.equal(state);
    expect(back.get('code')).to.be.a('string').and.not.equal('');
    expect(back.get('iss')).to.equal(issuer);

    // 3. The callback: the cookie gives back the verifier and nonce, the code is redeemed with
    //    client_secret_post and the verifier, the ID token is verified, and the user is signed in.
    const callback = await browser.get(callbackURL);
    const outcome = JSON.parse(callback.body) as Outcome;
    expect(outcome.action, callback.body).to.equal('success');
    expect(callback.status).to.equal(200);
    const profile = outcome.profile as MicrosoftProfile;
    expect(profile).to.deep.include({
      provider: 'microsoft',
      id: ACCOUNT.oid,
      objectId: ACCOUNT.oid,
      tenantId: ACCOUNT.tid,
      displayName: ACCOUNT.name,
      username: ACCOUNT.preferred_username,
      accountType: 'customer',
    });
    expect(profile.idTokenClaims).to.deep.include({
      iss: issuer,
      aud: CLIENT_ID,
      sub: ACCOUNT.sub,
      nonce,
    });
    // oidc-provider got the verifier whose S256 hash is the challenge sent at the start: it came
    // out of the cookie, the only place the app kept it. And the secret in the body, not a header.
    expect(redeemed).to.have.length(1);
    // The strategy read the discovery document and the key set it names from the provider.
    expect(providerRequests).to.include.members([
      'GET /.well-known/openid-configuration',
      'GET /jwks',
      'POST /token',
    ]);
    const verifier = String(redeemed[0]?.['code_verifier']);
    expect(createHash('sha256').update(verifier).digest('base64url')).to.equal(challenge);
    expect(redeemed[0]?.['client_secret']).to.equal(CLIENT_SECRET);
    // The callback cleared the cookie.
    expect(callback.setCookie).to.deep.equal([
      `mslogin.${state}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    expect(browser.cookies.has(`mslogin.${state}`)).to.equal(false);

    // 4. The same callback again, even with the captured cookie, is refused before the token
    //    endpoint is called; and so is it without the cookie (the browser dropped it).
    for (const [cookie, reason] of [
      [loginCookie, 'no_pending_login'],
      ['', 'cookie_missing'],
    ] as const) {
      const replay = await browser.get(callbackURL, cookie);
      expect(replay.status).to.equal(403);
      expect(JSON.parse(replay.body)).to.deep.equal({
        action: 'fail',
        status: 403,
        info: STATE_FAILURE[reason],
      });
    }
    expect(redeemed).to.have.length(1);
  });

  it('refuses a callback whose cookie was tampered with (403), without redeeming the code', async () => {
    const browser = new CookieClient();
    const start = await browser.get(`${base}/login`);
    const state = new URL(start.location ?? '').searchParams.get('state') ?? '';
    let answer = await browser.get(start.location ?? '');
    for (let hops = 0; !answer.location?.startsWith(`${base}/login/callback`); hops++) {
      expect(hops, `stuck at ${answer.status} ${answer.location} ${answer.body}`).to.be.below(10);
      answer = await browser.get(answer.location ?? '');
    }
    const sealed = browser.cookies.get(`mslogin.${state}`) ?? '';
    // One character inside the IV/tag changed (every bit of it is used, unlike the last one's).
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    const before = redeemed.length;
    const callback = await browser.get(answer.location ?? '', `mslogin.${state}=${flipped}`);
    expect(callback.status).to.equal(403);
    expect(JSON.parse(callback.body)).to.deep.include({
      action: 'fail',
      info: STATE_FAILURE.no_pending_login,
    });
    expect(redeemed).to.have.length(before);
  });
});
