/**
 * MicrosoftBearerStrategy through Express and Passport (real HTTP on 127.0.0.1): RFC 6750's
 * answers (401 without error, invalid_token, 403 insufficient_scope with scope, 400
 * invalid_request), the token's places, verify callbacks, Passport's custom callback,
 * failWithError and strategy chains, and no token in any response.
 */
import { expect } from 'chai';
import express from 'express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import passport from 'passport';
import request from 'supertest';
import sinon from 'sinon';
import { MicrosoftBearerStrategy } from '../../lib/passport/bearer-strategy.js';
import type {
  MicrosoftBearerAuthenticateOptions,
  MicrosoftBearerStrategyOptions,
} from '../../lib/passport/bearer-strategy.js';
import type { MicrosoftAccessToken } from '../../lib/core/access-token/claims.js';
import { API_ID, NOW, TID, appV2, signToken, startAuthority, userV2 } from './fixture.js';
import type { AuthorityFixture } from './fixture.js';

/** RFC 6750 3: error_description and scope keep to these characters. */
const CHALLENGE_CHARS = /^Bearer( [a-z_]+="[\x20\x21\x23-\x5b\x5d-\x7e]*",?)*$/;

/** A strategy that always succeeds, for chains. */
class AlwaysStrategy {
  name = 'always';
  declare success: (user: Express.User) => void;
  authenticate(): void {
    this.success({ id: 'from-always' });
  }
}

interface AppSetup {
  options?: {
    [K in keyof MicrosoftBearerStrategyOptions]?: MicrosoftBearerStrategyOptions[K] | undefined;
  };
  verify?: (
    token: MicrosoftAccessToken,
    done: (err: unknown, user?: Express.User | false, info?: object | string) => void,
  ) => void;
  route?: MicrosoftBearerAuthenticateOptions;
  middleware?: (p: passport.PassportStatic) => RequestHandler;
  errorHandler?: boolean;
}

describe('MicrosoftBearerStrategy: RFC 6750 through Passport', () => {
  let f: AuthorityFixture;
  let clock: sinon.SinonFakeTimers;

  before(async () => {
    f = await startAuthority();
    // The fixture's tokens are issued at NOW: the strategy reads Date.now.
    clock = sinon.useFakeTimers({ now: NOW * 1000, toFake: ['Date'] });
  });
  after(async () => {
    clock.restore();
    await f.close();
  });

  function app(setup: AppSetup = {}): express.Express {
    const p = new passport.Passport() as unknown as passport.PassportStatic;
    const options: MicrosoftBearerStrategyOptions = {
      clientID: API_ID,
      authority: `${f.url}/${TID}`,
      appPermissions: ['Notes.Read.All'],
      ...setup.options,
    } as MicrosoftBearerStrategyOptions;
    p.use(
      setup.verify
        ? new MicrosoftBearerStrategy(options, setup.verify)
        : new MicrosoftBearerStrategy(options),
    );
    p.use(new AlwaysStrategy() as unknown as passport.Strategy);
    const a = express();
    a.use(express.urlencoded({ extended: false }));
    const route: MicrosoftBearerAuthenticateOptions = { session: false, ...setup.route };
    a.all(
      '/api',
      setup.middleware ? setup.middleware(p) : p.authenticate('microsoft-bearer', route),
      (req, res) => {
        res.json({ user: req.user, authInfo: req.authInfo });
      },
    );
    if (setup.errorHandler) {
      const handler: ErrorRequestHandler = (
        err: { status?: number; name?: string },
        _req,
        res,
        _next,
      ) => {
        res.status(err.status ?? 500).json({ error: err.name });
      };
      a.use(handler);
    }
    return a;
  }

  const user = () => signToken(userV2(f), f.keys.templated);

  it('answers a request without a token with 401 and WWW-Authenticate: Bearer, no error', async () => {
    const res = await request(app()).get('/api');
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.equal('Bearer');
  });

  it('puts the realm option in the challenge', async () => {
    const res = await request(app({ options: { realm: 'notes' } })).get('/api');
    expect(res.headers['www-authenticate']).to.equal('Bearer realm="notes"');
  });

  it('treats another Authorization scheme as no bearer token (401 without error)', async () => {
    const res = await request(app()).get('/api').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.equal('Bearer');
  });

  it('accepts a valid token: req.user is the verified MicrosoftAccessToken, req.authInfo the token', async () => {
    const res = await request(app()).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ kind: 'user', tenantId: TID, version: 2 });
    expect(res.body.authInfo).to.deep.equal(res.body.user);
  });

  it('answers a bad token with 401 invalid_token and a description in RFC 6750 characters, never the token', async () => {
    const token = signToken(
      userV2(f, { exp: NOW - 3600, iss: 'https://"quoted"\\issuer' }),
      f.keys.templated,
    );
    const res = await request(app()).get('/api').set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(401);
    const challenge = String(res.headers['www-authenticate']);
    expect(challenge).to.match(/^Bearer error="invalid_token", error_description="expired: /);
    expect(challenge).to.match(CHALLENGE_CHARS);
    expect(challenge + res.text).not.to.contain(token.split('.')[2]);
  });

  it('keeps quotes and backslashes out of error_description', async () => {
    const token = signToken(userV2(f, { iss: 'https://"quoted"\\issuer/' }), f.keys.templated);
    const res = await request(app()).get('/api').set('Authorization', `Bearer ${token}`);
    const challenge = String(res.headers['www-authenticate']);
    expect(challenge).to.contain('error="invalid_token"');
    expect(challenge).to.match(CHALLENGE_CHARS);
  });

  it('answers a valid token lacking the scope with 403 insufficient_scope, scope= naming what is needed', async () => {
    const res = await request(app({ route: { scopes: ['Notes.Admin'] } }))
      .get('/api')
      .set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(403);
    const challenge = String(res.headers['www-authenticate']);
    expect(challenge).to.match(
      /^Bearer error="insufficient_scope", error_description="insufficient_scope: [^"]+", scope="Notes.Admin"$/,
    );
    expect(challenge).to.match(CHALLENGE_CHARS);
  });

  it('refuses an app-only token with 403 where no appPermissions are accepted', async () => {
    const res = await request(
      app({ options: { appPermissions: undefined, scopes: ['Notes.Read'] } }),
    )
      .get('/api')
      .set('Authorization', `Bearer ${signToken(appV2(f), f.keys.templated)}`);
    expect(res.status).to.equal(403);
    expect(String(res.headers['www-authenticate'])).to.contain('scope="Notes.Read"');
  });

  for (const header of ['Bearer', 'Bearer  ', 'Bearer a b', 'Bearer tok"en', 'bearer ä'])
    it(`answers a malformed Authorization header (${JSON.stringify(header)}) with 400 invalid_request`, async () => {
      const res = await request(app()).get('/api').set('Authorization', header);
      expect(res.status).to.equal(400);
      expect(String(res.headers['www-authenticate'])).to.match(
        /^Bearer error="invalid_request", error_description="[^"]+"$/,
      );
    });

  it('never reads the token from the query or the body unless asked', async () => {
    const token = user();
    const query = await request(app()).get(`/api?access_token=${token}`);
    expect(query.status).to.equal(401);
    expect(query.headers['www-authenticate']).to.equal('Bearer');
    const body = await request(app()).post('/api').type('form').send({ access_token: token });
    expect(body.status).to.equal(401);
  });

  it('reads the token from a form body and from the query when the options say so', async () => {
    const token = user();
    const a = app({ options: { allowTokenInBody: true, allowTokenInQuery: true } });
    expect(
      (await request(a).post('/api').type('form').send({ access_token: token })).status,
    ).to.equal(200);
    expect((await request(a).get(`/api?access_token=${token}`)).status).to.equal(200);
  });

  it('answers a token in two places with 400 invalid_request', async () => {
    const token = user();
    const a = app({ options: { allowTokenInQuery: true } });
    const res = await request(a)
      .get(`/api?access_token=${token}`)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(400);
    expect(String(res.headers['www-authenticate'])).to.contain('error="invalid_request"');
  });

  it('passes the verified token to a verify callback, whose user becomes req.user', async () => {
    const seen: string[] = [];
    const a = app({
      verify: (token, done) => {
        seen.push(token.id);
        done(null, { id: `user-${token.id}` }, { scopes: token.scopes });
      },
    });
    const res = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      user: { id: `user-${seen[0] ?? ''}` },
      authInfo: { scopes: ['Notes.Read', 'Notes.Write'] },
    });
  });

  it('answers 401 invalid_token when the verify callback refuses the user', async () => {
    const a = app({ verify: (_token, done) => done(null, false, { message: 'unknown "user"' }) });
    const res = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.equal(
      `Bearer error="invalid_token", error_description="unknown 'user'"`,
    );
  });

  it('calls a verify callback with the request first under passReqToCallback', async () => {
    const p = new passport.Passport() as unknown as passport.PassportStatic;
    p.use(
      new MicrosoftBearerStrategy(
        { clientID: API_ID, authority: `${f.url}/${TID}`, passReqToCallback: true },
        (req, token, done) => done(null, { id: token.id, path: req.url ?? '' }),
      ),
    );
    const a = express();
    a.get('/api', p.authenticate('microsoft-bearer', { session: false }), (req, res) => {
      res.json(req.user);
    });
    const res = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.body).to.include({ path: '/api' });
  });

  it('hands a custom callback the challenge and the status', async () => {
    const a = app({
      middleware: (p) => (req, res, next) => {
        const opts: MicrosoftBearerAuthenticateOptions = {
          session: false,
          scopes: ['Notes.Admin'],
        };
        const handler = p.authenticate(
          'microsoft-bearer',
          opts,
          (err: unknown, u: unknown, challenge: unknown, status: unknown) => {
            if (err) return next(err);
            res.status(Number(status)).json({ user: u, challenge, status });
          },
        ) as RequestHandler;
        handler(req, res, next);
      },
    });
    const res = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(403);
    expect(res.body.user).to.equal(false);
    expect(res.body.status).to.equal(403);
    expect(res.body.challenge).to.match(
      /^Bearer error="insufficient_scope", .*scope="Notes.Admin"$/,
    );
    const none = await request(a).get('/api');
    expect(none.body).to.deep.equal({ user: false, challenge: 'Bearer', status: 401 });
  });

  it('sends a 403 through failWithError to the error handler, with its challenge header', async () => {
    const a = app({ route: { scopes: ['Notes.Admin'], failWithError: true }, errorHandler: true });
    const res = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ error: 'AuthenticationError' });
    expect(String(res.headers['www-authenticate'])).to.contain('error="insufficient_scope"');
  });

  it('lets a later strategy of a chain succeed with no stale WWW-Authenticate (after a 401 and after a 403)', async () => {
    const chain = (p: passport.PassportStatic): RequestHandler =>
      p.authenticate(['microsoft-bearer', 'always'], {
        session: false,
        scopes: ['Notes.Admin'],
      } as MicrosoftBearerAuthenticateOptions);
    const a = app({ middleware: chain });
    const none = await request(a).get('/api');
    expect(none.status).to.equal(200);
    expect(none.headers).not.to.have.property('www-authenticate');
    const lacking = await request(a).get('/api').set('Authorization', `Bearer ${user()}`);
    expect(lacking.status).to.equal(200);
    expect(lacking.body.user).to.deep.equal({ id: 'from-always' });
    expect(lacking.headers).not.to.have.property('www-authenticate');
  });

  it('answers with an error (500), not a 401, when the key set cannot be read', async () => {
    f.routes.set(`/${TID}/discovery/v2.0/keys`, () => ({ status: 503, json: {} }));
    try {
      const res = await request(app({ errorHandler: true }))
        .get('/api')
        .set('Authorization', `Bearer ${user()}`);
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ error: 'MicrosoftAccessTokenError' });
    } finally {
      f.routes.clear();
    }
  });

  it('hands every request a frozen token, so a handler changing req.user changes nothing later', async () => {
    const p = new passport.Passport() as unknown as passport.PassportStatic;
    p.use(new MicrosoftBearerStrategy({ clientID: API_ID, authority: `${f.url}/${TID}` }));
    const a = express();
    a.get('/api', p.authenticate('microsoft-bearer', { session: false }), (req, res) => {
      const changed = Reflect.set(req.user as object, 'kind', 'admin');
      res.json({ changed, kind: (req.user as MicrosoftAccessToken).kind });
    });
    const token = user();
    for (let i = 0; i < 2; i += 1) {
      const res = await request(a).get('/api').set('Authorization', `Bearer ${token}`);
      expect(res.body).to.deep.equal({ changed: false, kind: 'user' });
    }
  });

  describe('options', () => {
    it("is named 'microsoft-bearer' unless the name option says otherwise", () => {
      const base = { clientID: API_ID, tenant: TID };
      expect(new MicrosoftBearerStrategy(base).name).to.equal('microsoft-bearer');
      expect(new MicrosoftBearerStrategy({ ...base, name: 'api' }).name).to.equal('api');
    });

    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'a missing clientID',
        { tenant: TID },
        /^MicrosoftBearerStrategy requires a clientID option$/,
      ],
      [
        'no tenant or authority',
        { clientID: API_ID },
        /^MicrosoftBearerStrategy requires a tenant or authority option/,
      ],
      [
        'an unknown option',
        { clientID: API_ID, tenant: TID, scope: 'x' },
        /^MicrosoftBearerStrategy does not know the option "scope"$/,
      ],
      [
        'common without allowedTenants',
        { clientID: API_ID, tenant: 'common' },
        /^MicrosoftBearerStrategy option allowedTenants is required with tenant "common"/,
      ],
      [
        'organizations without allowedTenants',
        { clientID: API_ID, tenant: 'organizations' },
        /option allowedTenants is required with tenant "organizations"/,
      ],
      [
        'a clockTolerance over the cap',
        { clientID: API_ID, tenant: TID, clockTolerance: 3600 },
        /^MicrosoftBearerStrategy option clockTolerance must be at most 600/,
      ],
      [
        'scopes as a string',
        { clientID: API_ID, tenant: TID, scopes: 'Notes.Read' },
        /option scopes must be a non-empty array/,
      ],
      [
        'appPermissions empty',
        { clientID: API_ID, tenant: TID, appPermissions: [] },
        /option appPermissions must be a non-empty array/,
      ],
      [
        'a negative cacheSize',
        { clientID: API_ID, tenant: TID, cacheSize: -1 },
        /option cacheSize must be a whole number/,
      ],
      [
        'a realm with a quote',
        { clientID: API_ID, tenant: TID, realm: 'a"b' },
        /option realm must be a string without quotes/,
      ],
      [
        'allowTokenInQuery not a boolean',
        { clientID: API_ID, tenant: TID, allowTokenInQuery: 'yes' },
        /option allowTokenInQuery must be true or false/,
      ],
      [
        'a bad cloud',
        { clientID: API_ID, tenant: TID, cloud: 'moon' },
        /^MicrosoftBearerStrategy option cloud must be one of/,
      ],
    ];
    for (const [what, options, message] of cases)
      it(`refuses ${what} with a TypeError naming the option`, () => {
        expect(
          () => new MicrosoftBearerStrategy(options as unknown as MicrosoftBearerStrategyOptions),
        ).to.throw(TypeError, message);
      });
  });
});
