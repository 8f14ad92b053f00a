import { expect } from 'chai';
import sinon from 'sinon';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import type { SignInDependencies } from '../../lib/core/sign-in-types.js';
import { codeChallengeS256 } from '../../lib/core/pkce.js';
import {
  MicrosoftIdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftTenantNotAllowedError,
  MicrosoftStateError,
} from '../../lib/errors.js';
import type { SignInOptions } from '../../lib/config/options.js';
import { rejectionOf } from '../helpers/errors.js';
import {
  CLIENT_ID,
  NOW_MS,
  WORK_OID,
  WORK_TID,
  forbidSockets,
  graphEndpoint,
  idToken,
  keySource,
  otherKey,
  tokenEndpoint,
  workClaims,
} from '../helpers/core-fakes.js';

const REDIRECT = 'https://app.example.com/login/callback';
const ME = {
  id: WORK_OID,
  displayName: 'Megan Bowen',
  givenName: 'Megan',
  surname: 'Bowen',
  mail: 'MeganB@contoso.com',
  userPrincipalName: 'MeganB@contoso.onmicrosoft.com',
};

function options(extra: Partial<SignInOptions> = {}): SignInOptions {
  return { clientID: CLIENT_ID, clientSecret: 'secret-value', callbackURL: REDIRECT, ...extra };
}

/** A core whose token endpoint answers with an ID token carrying the nonce it is told. */
function signInWith(
  extra: Partial<SignInOptions> = {},
  claims: (nonce: string | undefined) => Record<string, unknown> = (n) => workClaims(n),
) {
  let nonce: string | undefined;
  const tokens = tokenEndpoint(() => ({
    access_token: 'access-token-1',
    refresh_token: 'refresh-token-1',
    token_type: 'Bearer',
    expires_in: 3600,
    id_token: idToken(claims(nonce)),
  }));
  const graph = graphEndpoint(ME);
  const keys = keySource();
  const deps: SignInDependencies = {
    tokenClient: tokens,
    graphClient: graph,
    signingKeys: keys,
    clock: () => NOW_MS,
  };
  const signIn = new MicrosoftSignIn(options(extra), deps);
  return {
    signIn,
    tokens,
    graph,
    keys,
    /** Starts a login and lets the fake Microsoft know its nonce. */
    async start(appState?: unknown) {
      const request = await signIn.authorizationRequest(appState === undefined ? {} : { appState });
      nonce = request.pendingLogin.nonce;
      return request;
    },
  };
}

/** The error a function throws. */
function rejectionOfSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected a throw');
}

describe('core: MicrosoftSignIn with injected clients (no sockets)', () => {
  let sockets: sinon.SinonStub;
  beforeEach(() => {
    sockets = forbidSockets();
  });
  afterEach(() => {
    sinon.restore();
  });

  it('builds the authorize URL and a pending login that holds its state, verifier and nonce', async () => {
    const { signIn } = signInWith();
    const { url, pendingLogin } = await signIn.authorizationRequest({ prompt: 'select_account' });
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).to.equal(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    );
    expect(Object.fromEntries(u.searchParams)).to.deep.equal({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile email offline_access User.Read',
      state: pendingLogin.state,
      code_challenge: codeChallengeS256(pendingLogin.codeVerifier ?? ''),
      code_challenge_method: 'S256',
      nonce: pendingLogin.nonce,
      prompt: 'select_account',
    });
    expect(pendingLogin).to.include({ '@microsoft': 1, redirectURI: REDIRECT, openid: true });
    expect(pendingLogin.state).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(pendingLogin.nonce).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(JSON.parse(JSON.stringify(pendingLogin))).to.deep.equal(pendingLogin);
  });

  it('completes a login: token request with the verifier, verified ID token, Graph profile merged with the claims', async () => {
    const fake = signInWith();
    const { pendingLogin } = await fake.start({ returnTo: '/reports' });
    const callback = new URLSearchParams({ code: 'auth-code-1', state: pendingLogin.state ?? '' });
    const result = await fake.signIn.callback(callback, pendingLogin);

    expect(fake.tokens.requests).to.deep.equal([
      {
        grant_type: 'authorization_code',
        code: 'auth-code-1',
        redirect_uri: REDIRECT,
        code_verifier: pendingLogin.codeVerifier,
      },
    ]);
    expect(fake.keys.calls).to.deep.equal(['core-test-key']);
    expect(fake.graph.tokens).to.deep.equal(['access-token-1']);
    expect(result.claims?.tid).to.equal(WORK_TID);
    expect(result.claims?.nonce).to.equal(pendingLogin.nonce);
    expect(result.appState).to.deep.equal({ returnTo: '/reports' });
    expect(result.profile).to.include({
      provider: 'microsoft',
      id: WORK_OID,
      displayName: 'Megan Bowen',
      tenantId: WORK_TID,
      accountType: 'work',
    });
    expect(result.tokens.refresh_token).to.equal('refresh-token-1');
    expect(sockets.called, 'a socket was opened').to.equal(false);
  });

  it('takes the profile from the claims with profileSource id_token: no Graph call', async () => {
    const fake = signInWith({ profileSource: 'id_token' });
    const { pendingLogin } = await fake.start();
    const result = await fake.signIn.callback(
      { code: 'c', state: pendingLogin.state },
      pendingLogin,
    );
    expect(fake.graph.tokens).to.deep.equal([]);
    expect(result.profile).to.include({ id: WORK_OID, tenantId: WORK_TID });
    expect(result.profile?._json).to.equal(result.claims);
  });

  it('refuses a callback whose state is not the pending login’s, before any token request', async () => {
    const fake = signInWith();
    const { pendingLogin } = await fake.start();
    const err = await rejectionOf(
      fake.signIn.callback({ code: 'c', state: 'another-login' }, pendingLogin),
    );
    expect(err).to.be.instanceOf(MicrosoftStateError).with.property('code', 'state_mismatch');
    const missing = await rejectionOf(fake.signIn.callback({ code: 'c' }, pendingLogin));
    expect(missing).to.be.instanceOf(MicrosoftStateError).with.property('code', 'state_mismatch');
    expect(fake.tokens.requests).to.have.length(0);
  });

  it('turns an error callback into MicrosoftAuthorizationError', async () => {
    const fake = signInWith();
    const { pendingLogin } = await fake.start();
    const err = await rejectionOf(
      fake.signIn.callback(
        {
          error: 'invalid_request',
          error_description: 'AADSTS50011: bad',
          state: pendingLogin.state,
        },
        pendingLogin,
      ),
    );
    expect(err).to.be.instanceOf(MicrosoftAuthorizationError);
    expect(err).to.include({ code: 'invalid_request', aadsts: 50011 });
    expect(fake.tokens.requests).to.have.length(0);
  });

  it('refuses an ID token signed by another key (signature) and one with another nonce (nonce)', async () => {
    const forged = new MicrosoftSignIn(options(), {
      tokenClient: tokenEndpoint(() => ({
        access_token: 'a',
        id_token: idToken(workClaims('n'), otherKey()),
      })),
      graphClient: graphEndpoint(ME),
      signingKeys: keySource(),
      clock: () => NOW_MS,
    });
    const { pendingLogin } = await forged.authorizationRequest();
    const bad = await rejectionOf(
      forged.callback({ code: 'c', state: pendingLogin.state }, pendingLogin),
    );
    expect(bad).to.be.instanceOf(MicrosoftIdTokenError).with.property('code', 'signature');

    const fake = signInWith({}, () => workClaims('not-the-nonce-of-this-login'));
    const started = await fake.start();
    const wrong = await rejectionOf(
      fake.signIn.callback({ code: 'c', state: started.pendingLogin.state }, started.pendingLogin),
    );
    expect(wrong).to.be.instanceOf(MicrosoftIdTokenError).with.property('code', 'nonce');
    expect(fake.graph.tokens, 'Graph is not called for a refused token').to.deep.equal([]);
  });

  it('reads the clock it is given: a token that expired by that clock is refused', async () => {
    const fake = signInWith({ clockTolerance: 0 }, (n) =>
      workClaims(n, { exp: Math.floor(NOW_MS / 1000) - 1 }),
    );
    const { pendingLogin } = await fake.start();
    const err = await rejectionOf(
      fake.signIn.callback({ code: 'c', state: pendingLogin.state }, pendingLogin),
    );
    expect(err).to.be.instanceOf(MicrosoftIdTokenError).with.property('code', 'expired');
  });

  it('rejects a tenant allowedTenants does not list with MicrosoftTenantNotAllowedError', async () => {
    const fake = signInWith({ allowedTenants: ['00000000-0000-0000-0000-000000000001'] });
    const { pendingLogin } = await fake.start();
    const err = await rejectionOf(
      fake.signIn.callback({ code: 'c', state: pendingLogin.state }, pendingLogin),
    );
    expect(err).to.be.instanceOf(MicrosoftTenantNotAllowedError);
    expect(err).to.include({ code: 'tenant_not_allowed', tenantId: WORK_TID });
    expect(fake.graph.tokens).to.deep.equal([]);
  });

  it('refreshes through the injected token client and verifies the returned ID token', async () => {
    const fake = signInWith({}, () => workClaims(undefined));
    const set = await fake.signIn.refresh('refresh-token-0', { scope: 'openid User.Read' });
    expect(fake.tokens.requests).to.deep.equal([
      { grant_type: 'refresh_token', refresh_token: 'refresh-token-0', scope: 'openid User.Read' },
    ]);
    expect(set).to.include({
      accessToken: 'access-token-1',
      refreshToken: 'refresh-token-1',
      expiresIn: 3600,
    });
    expect(set.claims?.oid).to.equal(WORK_OID);
  });

  it('needs an absolute redirect URI to start a login', async () => {
    const { signIn } = signInWith({ callbackURL: '/login/callback' });
    const err = await rejectionOf(signIn.authorizationRequest());
    expect(err).to.be.instanceOf(TypeError);
    expect((err as Error).message).to.contain('absolute redirect URI');
    const ok = await signIn.authorizationRequest({ redirectURI: REDIRECT });
    expect(new URL(ok.url).searchParams.get('redirect_uri')).to.equal(REDIRECT);
  });

  it('refuses Passport-only options, naming them', () => {
    expect(() => new MicrosoftSignIn({ ...options() })).to.not.throw();
    expect(
      () => new MicrosoftSignIn({ ...options(), sessionKey: 'x' } as unknown as SignInOptions),
    ).to.throw(TypeError, 'MicrosoftSignIn does not know the option "sessionKey"');
    expect(() => new MicrosoftSignIn({} as SignInOptions)).to.throw(
      TypeError,
      'MicrosoftSignIn requires a clientID option',
    );
  });

  it('an option error names MicrosoftSignIn only: no cause or stack line says MicrosoftStrategy', () => {
    const error = rejectionOfSync(() => new MicrosoftSignIn({ clientID: '' } as SignInOptions));
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.equal('MicrosoftSignIn requires a clientID option');
    expect(error.cause).to.equal(undefined);
    expect(String(error.stack)).to.not.include('MicrosoftStrategy');
  });
});
