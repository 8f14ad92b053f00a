/**
 * Hardening of the sign-in core and step-up / silent sign-in: error
 * callbacks checked like successes, freshness and authentication context enforced, the Graph user
 * bound to the ID-token user, kid-less tokens. Socket-free, with the fakes.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import type { SignInDependencies } from '../../lib/core/sign-in-types.js';
import {
  MicrosoftIdTokenError,
  MicrosoftAuthorizationError,
  MicrosoftProfileError,
  MicrosoftStateError,
} from '../../lib/errors.js';
import type { SignInOptions } from '../../lib/config/options.js';
import { rejectionOf } from '../helpers/errors.js';
import {
  CLIENT_ID,
  NOW_MS,
  WORK_OID,
  forbidSockets,
  graphEndpoint,
  idToken,
  keySource,
  tokenEndpoint,
  workClaims,
} from '../helpers/core-fakes.js';

const REDIRECT = 'https://app.example.com/login/callback';
const NOW = Math.floor(NOW_MS / 1000);
const CONSUMER_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const ACRS_C1 = '{"id_token":{"acrs":{"essential":true,"value":"c1"}}}';

function options(extra: Partial<SignInOptions> = {}): SignInOptions {
  return { clientID: CLIENT_ID, clientSecret: 'secret-value', callbackURL: REDIRECT, ...extra };
}

/** A core whose token endpoint answers an ID token with `extra` claims and the login's nonce. */
function signInWith(
  extra: Record<string, unknown> = {},
  me: Record<string, unknown> = { id: WORK_OID, displayName: 'Megan Bowen' },
  config: Partial<SignInOptions> = {},
) {
  let nonce: string | undefined;
  const tokens = tokenEndpoint(() => ({
    access_token: 'access-token-1',
    token_type: 'Bearer',
    id_token: idToken(workClaims(nonce, extra)),
  }));
  const deps: SignInDependencies = {
    tokenClient: tokens,
    graphClient: graphEndpoint(me),
    signingKeys: keySource(),
    clock: () => NOW_MS,
  };
  const signIn = new MicrosoftSignIn(options(config), deps);
  return {
    signIn,
    tokens,
    async login(requestOptions: Parameters<MicrosoftSignIn['authorizationRequest']>[0] = {}) {
      const request = await signIn.authorizationRequest(requestOptions);
      nonce = request.pendingLogin.nonce;
      const callback = { code: 'code-1', state: request.pendingLogin.state };
      return signIn.callback(callback, request.pendingLogin);
    },
  };
}

describe('core: hardening and step-up', () => {
  beforeEach(() => {
    forbidSockets();
  });
  afterEach(() => {
    sinon.restore();
  });

  describe('error callbacks checked like successes', () => {
    async function errorCallback(params: Record<string, string>): Promise<unknown> {
      const { signIn, tokens } = signInWith();
      const { pendingLogin } = await signIn.authorizationRequest();
      const err = await rejectionOf(
        signIn.callback({ state: pendingLogin.state, ...params }, pendingLogin),
      );
      expect(tokens.requests).to.have.length(0);
      return err;
    }

    it('error callback without the pending login state: MicrosoftStateError state_mismatch, no description kept', async () => {
      const { signIn } = signInWith();
      const { pendingLogin } = await signIn.authorizationRequest();
      const err = await rejectionOf(
        signIn.callback(
          { error: 'server_error', error_description: 'attacker text' },
          pendingLogin,
        ),
      );
      expect(err).to.be.instanceOf(MicrosoftStateError).and.include({ code: 'state_mismatch' });
      expect((err as Error).message).to.not.include('attacker');
    });

    it('error callback whose error is not an RFC 6749 error code: MicrosoftStateError callback_malformed', async () => {
      for (const error of ['bad\r\nerror', 'quote"d', 'back\\slash', 'x'.repeat(65), 'tab\t']) {
        const err = await errorCallback({ error });
        expect(err, JSON.stringify(error)).to.be.instanceOf(MicrosoftStateError);
        expect(err).to.include({ code: 'callback_malformed' });
      }
    });

    it('error callback: error_description capped at 512 characters, error_uri kept only when https', async () => {
      const err = await errorCallback({
        error: 'server_error',
        error_description: 'd'.repeat(5000),
        error_uri: 'javascript:alert(1)',
      });
      expect(err).to.be.instanceOf(MicrosoftAuthorizationError);
      const e = err as MicrosoftAuthorizationError;
      expect(e.errorDescription).to.equal('d'.repeat(512));
      expect(e.message).to.have.length(512);
      expect(e).to.not.have.property('errorUri');
      const kept = (await errorCallback({
        error: 'server_error',
        error_uri: 'https://login.microsoftonline.com/error?code=50058',
      })) as MicrosoftAuthorizationError;
      expect(kept.errorUri).to.equal('https://login.microsoftonline.com/error?code=50058');
      const http = (await errorCallback({
        error: 'server_error',
        error_uri: 'http://evil.example/',
      })) as MicrosoftAuthorizationError;
      expect(http).to.not.have.property('errorUri');
    });

    it('silent sign-in answers (login_required …) are MicrosoftAuthorizationError with interactionRequired', async () => {
      for (const error of [
        'login_required',
        'interaction_required',
        'consent_required',
        'account_selection_required',
      ]) {
        const err = (await errorCallback({ error })) as MicrosoftAuthorizationError;
        expect(err).to.be.instanceOf(MicrosoftAuthorizationError);
        expect(err).to.include({ code: error, interactionRequired: true });
      }
      const other = (await errorCallback({ error: 'server_error' })) as MicrosoftAuthorizationError;
      expect(other.interactionRequired).to.equal(false);
    });
  });

  describe('maxAge and prompt=login enforced through auth_time', () => {
    it('maxAge: auth_time within maxAge + clockTolerance signs in, with stepUp in the result', async () => {
      const result = await signInWith({ auth_time: NOW - 600 - 300 }).login({ maxAge: 600 });
      expect(result.stepUp).to.deep.equal({ authTime: NOW - 900, maxAge: 600 });
    });

    it('maxAge: auth_time older than maxAge + clockTolerance is MicrosoftIdTokenError auth_time', async () => {
      const err = await rejectionOf(
        signInWith({ auth_time: NOW - 600 - 301 }).login({ maxAge: 600 }),
      );
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'auth_time' });
    });

    it('maxAge: a token without auth_time is MicrosoftIdTokenError auth_time (auth_time is an optional claim)', async () => {
      const err = await rejectionOf(signInWith().login({ maxAge: 600 }));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'auth_time' });
      expect((err as Error).message).to.include('optional claim');
    });

    it('prompt=login: auth_time before the login started (minus tolerance) is MicrosoftIdTokenError auth_time', async () => {
      const err = await rejectionOf(
        signInWith({ auth_time: NOW - 301 }).login({ prompt: 'login' }),
      );
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'auth_time' });
    });

    it('prompt=login: the pending login records its creation time and a fresh auth_time signs in', async () => {
      const fake = signInWith({ auth_time: NOW - 2 });
      const { pendingLogin } = await fake.signIn.authorizationRequest({ prompt: 'login' });
      expect(pendingLogin).to.include({ freshLogin: true, createdAt: NOW });
      const result = await fake.login({ prompt: 'login' });
      expect(result.stepUp).to.deep.equal({ authTime: NOW - 2, freshLogin: true });
    });

    it('an ordinary login needs no auth_time and has no stepUp', async () => {
      const result = await signInWith().login();
      expect(result).to.not.have.property('stepUp');
    });
  });

  describe('claims and acr_values sent, essential acrs enforced', () => {
    it('sends claims and acr_values on the authorize URL, and records the essential acrs', async () => {
      const { signIn } = signInWith();
      const { url, pendingLogin } = await signIn.authorizationRequest({
        claims: ACRS_C1,
        acrValues: ['c1', 'c2'],
      });
      const q = new URL(url).searchParams;
      expect(q.get('claims')).to.equal(ACRS_C1);
      expect(q.get('acr_values')).to.equal('c1 c2');
      expect(pendingLogin.acrs).to.deep.equal(['c1']);
    });

    it('claims that are not a JSON object string: TypeError', async () => {
      const { signIn } = signInWith();
      for (const claims of ['not json', '[]', 'null', '"x"', `{"a":"${'x'.repeat(5000)}"}`]) {
        const err = await rejectionOf(signIn.authorizationRequest({ claims }));
        expect(err, claims.slice(0, 20)).to.be.instanceOf(TypeError);
        expect((err as Error).message).to.include('option claims');
      }
    });

    it('acrs asked via claims: a token carrying it signs in with stepUp.acrs', async () => {
      const result = await signInWith({ acrs: ['c1'] }).login({ claims: ACRS_C1 });
      expect(result.stepUp).to.deep.equal({ acrs: ['c1'] });
    });

    it('acrs asked via claims: a token without it is MicrosoftIdTokenError acrs', async () => {
      for (const acrs of [undefined, [], ['c2'], 'c1']) {
        const extra = acrs === undefined ? {} : { acrs };
        const err = await rejectionOf(signInWith(extra).login({ claims: ACRS_C1 }));
        expect(err, JSON.stringify(acrs)).to.be.instanceOf(MicrosoftIdTokenError);
        expect(err).to.include({ code: 'acrs' });
      }
    });
  });

  describe('Graph user bound to the ID-token user', () => {
    it('subject_mismatch: a work account whose Graph /me id is not the oid is refused', async () => {
      const err = await rejectionOf(
        signInWith({}, { id: '11111111-2222-3333-4444-555555555555' }).login(),
      );
      expect(err).to.be.instanceOf(MicrosoftProfileError).and.include({ code: 'subject_mismatch' });
    });

    it('the binding compares object ids case-insensitively', async () => {
      const result = await signInWith({}, { id: WORK_OID.toUpperCase() }).login();
      expect(result.profile?.id).to.equal(WORK_OID);
    });

    it('a personal account is not bound (its Graph id is the 16-hex-digit id)', async () => {
      const personal = {
        tid: CONSUMER_TID,
        iss: `https://login.microsoftonline.com/${CONSUMER_TID}/v2.0`,
        oid: '00000000-0000-0000-0f3a-bb2c7c4d1e77',
      };
      const fake = signInWith(personal, { id: 'fde926f844473904' });
      // The fake key is templated, so it covers the consumer issuer too.
      const result = await fake.login();
      expect(result.profile).to.include({ graphId: 'fde926f844473904', accountType: 'personal' });
    });
  });
});
