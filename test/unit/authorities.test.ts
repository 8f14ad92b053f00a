/**
 * Customer identity authorities and the tenant per login, without a socket: which authorities are
 * read from discovery, the checks of a discovery document, one test per option error, and a
 * per-login tenant's token endpoint and issuer.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import { readDiscovery } from '../../lib/clients/discovery.js';
import type { DiscoveryTarget } from '../../lib/clients/discovery.js';
import { authorityKind } from '../../lib/config/clouds.js';
import { MicrosoftIdTokenError, MicrosoftHttpError } from '../../lib/errors.js';
import type { TokenEndpointClient, TokenRequestOptions } from '../../lib/clients/token.js';
import type { SignInOptions } from '../../lib/config/options.js';
import {
  CLIENT_ID,
  NOW_MS,
  WORK_TID,
  forbidSockets,
  graphEndpoint,
  idToken,
  keySource,
  workClaims,
} from '../helpers/core-fakes.js';

const REDIRECT = 'https://app.example.com/login/callback';
const CIAM_TID = 'a7c3e1f0-2b4d-4c6e-8f10-3d5b7a9c1e2f';

function options(extra: Partial<SignInOptions> = {}): SignInOptions {
  return { clientID: CLIENT_ID, clientSecret: 'secret-value', callbackURL: REDIRECT, ...extra };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('unit: customer identity authorities and a tenant per login', () => {
  describe('authority kinds', () => {
    const kind = (url: string, policy?: string): string => authorityKind(new URL(url), policy);
    it('keeps Microsoft workforce hosts and the loopback emulator on the templates', () => {
      expect(kind('https://login.microsoftonline.com/common')).to.equal('workforce');
      expect(kind('https://login.microsoftonline.us/organizations')).to.equal('workforce');
      expect(kind('https://login.chinacloudapi.cn/common')).to.equal('workforce');
      expect(kind('http://127.0.0.1:4010/common')).to.equal('workforce');
    });
    it('reads External ID, B2C and other hosts from discovery', () => {
      expect(kind('https://fabrikam.ciamlogin.com/fabrikam.onmicrosoft.com')).to.equal(
        'external-id',
      );
      expect(kind('https://fab.b2clogin.com/fab.onmicrosoft.com/B2C_1_signin')).to.equal('b2c');
      expect(kind('https://login.fabrikam.com/fab.onmicrosoft.com', 'B2C_1_signin')).to.equal(
        'b2c',
      );
      expect(kind('https://login.fabrikam.com/fab.onmicrosoft.com')).to.equal('custom');
      expect(kind('http://127.0.0.1:4010/ciam/fab.onmicrosoft.com')).to.equal('custom');
    });
    it('gives customer authorities the accountType customer, and B2C the claims profile', () => {
      const b2c = new MicrosoftSignIn(
        options({ authority: 'https://fab.b2clogin.com/fab.onmicrosoft.com/B2C_1_signin' }),
      );
      expect(b2c.config).to.deep.include({
        authorityKind: 'b2c',
        tenant: 'fab.onmicrosoft.com',
        profileSource: 'id_token',
        scope: ['openid', 'offline_access'],
      });
      expect(b2c.config.authorizationURL).to.equal(
        'https://fab.b2clogin.com/fab.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/authorize',
      );
    });
  });

  describe('option errors', () => {
    const cases: Array<[string, Partial<SignInOptions>, string]> = [
      [
        'an External ID authority with more than the tenant in its path',
        { authority: 'https://fab.ciamlogin.com/fab.onmicrosoft.com/extra' },
        'MicrosoftSignIn option authority of Entra External ID must be https://<subdomain>.ciamlogin.com/<tenant id or domain>, got "https://fab.ciamlogin.com/fab.onmicrosoft.com/extra"',
      ],
      [
        'a b2clogin.com authority without a policy',
        { authority: 'https://fab.b2clogin.com/fab.onmicrosoft.com' },
        'MicrosoftSignIn option authority of Azure AD B2C must be https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<policy> (or the policy option), got "https://fab.b2clogin.com/fab.onmicrosoft.com"',
      ],
      [
        'a customer authority over http',
        { authority: 'http://fab.ciamlogin.com/fab.onmicrosoft.com' },
        'MicrosoftSignIn option authority must use https; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]), got "http://fab.ciamlogin.com/fab.onmicrosoft.com"',
      ],
      [
        'a customer authority with no tenant',
        { authority: 'https://login.fabrikam.com/' },
        'MicrosoftSignIn option authority must name a tenant in its path, e.g. "https://login.fabrikam.com/<tenant>"',
      ],
      [
        'a policy without an authority',
        { policy: 'B2C_1_signin' },
        'MicrosoftSignIn option policy needs an authority (the B2C tenant on its login host)',
      ],
      [
        'a policy that is not a policy name',
        { authority: 'https://login.fabrikam.com/fab.onmicrosoft.com', policy: 'a/b' },
        'MicrosoftSignIn option policy must be a B2C user flow or custom policy name such as "B2C_1_signin", got "a/b"',
      ],
      [
        'a customer authority and a tenant',
        { authority: 'https://fab.ciamlogin.com/fab.onmicrosoft.com', tenant: 'common' },
        'MicrosoftSignIn takes either authority or tenant, not both (the authority ends with the tenant)',
      ],
    ];
    for (const [what, extra, message] of cases) {
      it(`rejects ${what}`, () => {
        const err = errorOf(() => new MicrosoftSignIn(options(extra)));
        expect(err).to.be.instanceOf(TypeError);
        expect(err.message).to.equal(message);
      });
    }

    it('rejects a per-login tenant that is not a GUID or a domain', async () => {
      const err = await new MicrosoftSignIn(options())
        .authorizationRequest({ tenant: 'consumers' })
        .catch((e: unknown) => e as Error);
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.equal(
        'MicrosoftSignIn.authorizationRequest option tenant must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com; got "consumers"',
      );
    });

    it('rejects a per-login tenant with a single-tenant authority', async () => {
      const err = await new MicrosoftSignIn(options({ tenant: WORK_TID }))
        .authorizationRequest({ tenant: 'contoso.onmicrosoft.com' })
        .catch((e: unknown) => e as Error);
      expect((err as Error).message).to.equal(
        `MicrosoftSignIn.authorizationRequest option tenant needs a multi-tenant authority (common or organizations); this one is https://login.microsoftonline.com/${WORK_TID}`,
      );
    });
  });

  describe('discovery documents', () => {
    const target: DiscoveryTarget = {
      kind: 'external-id',
      authority: `https://fab.ciamlogin.com/${CIAM_TID}`,
      tenant: CIAM_TID,
      url: `https://fab.ciamlogin.com/${CIAM_TID}/v2.0/.well-known/openid-configuration`,
    };
    const doc = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      issuer: `https://${CIAM_TID}.ciamlogin.com/${CIAM_TID}/v2.0`,
      authorization_endpoint: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/authorize`,
      token_endpoint: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/token`,
      jwks_uri: `https://fab.ciamlogin.com/${CIAM_TID}/discovery/v2.0/keys`,
      end_session_endpoint: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/logout`,
      ...extra,
    });

    it('takes the endpoints and the exact issuer of a good document', () => {
      expect(readDiscovery(doc(), target)).to.deep.equal({
        issuer: `https://${CIAM_TID}.ciamlogin.com/${CIAM_TID}/v2.0`,
        authorizationURL: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/authorize`,
        tokenURL: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/token`,
        jwksURL: `https://fab.ciamlogin.com/${CIAM_TID}/discovery/v2.0/keys`,
        logoutURL: `https://fab.ciamlogin.com/${CIAM_TID}/oauth2/v2.0/logout`,
      });
    });

    const malformed: Array<[string, unknown]> = [
      ['a body that is not an object', ['issuer']],
      ['no issuer', doc({ issuer: undefined })],
      ['a token endpoint that is not a URL', doc({ token_endpoint: 'token' })],
      ['a keys endpoint over http', doc({ jwks_uri: 'http://fab.ciamlogin.com/keys' })],
      ['no authorize endpoint', doc({ authorization_endpoint: undefined })],
    ];
    for (const [what, body] of malformed) {
      it(`refuses ${what} with MicrosoftHttpError invalid_response`, () => {
        const err = errorOf(() => readDiscovery(body, target));
        expect(err).to.be.instanceOf(MicrosoftHttpError);
        expect((err as MicrosoftHttpError).code).to.equal('invalid_response');
        expect((err as MicrosoftHttpError).endpoint).to.equal('discovery');
      });
    }

    const issuers: Array<[string, DiscoveryTarget, string]> = [
      [
        'a workforce issuer for External ID',
        target,
        `https://login.microsoftonline.com/${CIAM_TID}/v2.0`,
      ],
      [
        'an External ID issuer of another tenant',
        target,
        `https://${WORK_TID}.ciamlogin.com/${WORK_TID}/v2.0`,
      ],
      [
        'a B2C issuer without its trailing slash',
        {
          ...target,
          kind: 'b2c',
          authority: 'https://fab.b2clogin.com/fab.onmicrosoft.com/B2C_1_x',
        },
        `https://fab.b2clogin.com/${CIAM_TID}/v2.0`,
      ],
      [
        'a templated issuer on another host',
        { ...target, kind: 'custom', authority: 'https://login.fabrikam.com/fab' },
        'https://login.fabrikam.com/{tenantid}/v2.0',
      ],
    ];
    for (const [what, t, issuer] of issuers) {
      it(`refuses ${what} with MicrosoftIdTokenError issuer`, () => {
        const err = errorOf(() => readDiscovery(doc({ issuer }), t));
        expect(err).to.be.instanceOf(MicrosoftIdTokenError);
        expect((err as MicrosoftIdTokenError).code).to.equal('issuer');
      });
    }
  });

  describe('a tenant per login (injected clients)', () => {
    afterEach(() => sinon.restore());

    it('sends the authorize and token requests to the tenant and expects its issuer', async () => {
      forbidSockets();
      const seen: Array<TokenRequestOptions | undefined> = [];
      let nonce: string | undefined;
      const tokenClient: TokenEndpointClient = {
        request(_params, opts) {
          seen.push(opts);
          return Promise.resolve({
            access_token: 'at',
            token_type: 'Bearer',
            id_token: idToken(workClaims(nonce)),
          });
        },
      };
      const signIn = new MicrosoftSignIn(
        options({ tenant: 'organizations', profileSource: 'id_token' }),
        {
          tokenClient,
          graphClient: graphEndpoint({}),
          signingKeys: keySource(),
          clock: () => NOW_MS,
        },
      );
      const { url, pendingLogin } = await signIn.authorizationRequest({ tenant: WORK_TID });
      nonce = pendingLogin.nonce;
      expect(
        url.startsWith(`https://login.microsoftonline.com/${WORK_TID}/oauth2/v2.0/authorize?`),
      ).to.equal(true);
      const result = await signIn.callback(
        { code: 'c', state: pendingLogin.state, tenant: 'common' },
        pendingLogin,
      );
      expect(seen).to.deep.equal([
        { tokenURL: `https://login.microsoftonline.com/${WORK_TID}/oauth2/v2.0/token` },
      ]);
      expect(result.claims?.tid).to.equal(WORK_TID);

      // The same token for a login that named another tenant is refused.
      const other = await signIn.authorizationRequest({ tenant: CIAM_TID });
      nonce = other.pendingLogin.nonce;
      const err = await signIn
        .callback({ code: 'c', state: other.pendingLogin.state }, other.pendingLogin)
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MicrosoftIdTokenError);
      expect((err as MicrosoftIdTokenError).code).to.equal('issuer');
    });
  });
});
