import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import { expect } from 'chai';
import { Strategy } from '../../lib/passport/strategy.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/microsoft.js';

const verify = (
  _a: string,
  _r: string | undefined,
  _p: unknown,
  done: (err: unknown, user?: object) => void,
): void => done(null, {});

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

/** Every endpoint for a login authority, with the given issuer base and Graph base. */
function endpointsFor(
  authority: string,
  issuerBase: string,
  graphBaseURL: string,
): Strategy['endpoints'] {
  return {
    authority,
    authorizationURL: `${authority}/oauth2/v2.0/authorize`,
    tokenURL: `${authority}/oauth2/v2.0/token`,
    jwksURL: `${authority}/discovery/v2.0/keys`,
    logoutURL: `${authority}/oauth2/v2.0/logout`,
    graphBaseURL,
    issuerBase,
  };
}

const GLOBAL = 'https://login.microsoftonline.com';
const GRAPH = 'https://graph.microsoft.com/v1.0';

describe('unit: endpoint resolution', () => {
  describe('tenants in the global cloud', () => {
    it('uses the common tenant by default', () => {
      expect(strategy().endpoints).to.deep.equal(endpointsFor(`${GLOBAL}/common`, GLOBAL, GRAPH));
    });

    for (const tenant of [
      'common',
      'organizations',
      'consumers',
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
      'contoso.onmicrosoft.com',
      'contoso.com',
    ]) {
      it(`puts tenant ${tenant} in every login endpoint`, () => {
        expect(strategy({ tenant }).endpoints).to.deep.equal(
          endpointsFor(`${GLOBAL}/${tenant}`, GLOBAL, GRAPH),
        );
      });
    }
  });

  describe('national clouds', () => {
    it('moves login, issuer and Graph to the US Government cloud', () => {
      expect(strategy({ cloud: 'usgov', tenant: 'organizations' }).endpoints).to.deep.equal(
        endpointsFor(
          'https://login.microsoftonline.us/organizations',
          'https://login.microsoftonline.us',
          'https://graph.microsoft.us/v1.0',
        ),
      );
    });

    it('uses the DoD Graph host for usgov-dod', () => {
      expect(
        strategy({ cloud: 'usgov-dod', tenant: 'contoso.onmicrosoft.us' }).endpoints,
      ).to.deep.equal(
        endpointsFor(
          'https://login.microsoftonline.us/contoso.onmicrosoft.us',
          'https://login.microsoftonline.us',
          'https://dod-graph.microsoft.us/v1.0',
        ),
      );
    });

    it('signs in at login.chinacloudapi.cn but expects issuers from login.partner.microsoftonline.cn in China', () => {
      expect(
        strategy({ cloud: 'china', tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' }).endpoints,
      ).to.deep.equal(
        endpointsFor(
          'https://login.chinacloudapi.cn/72f988bf-86f1-41af-91ab-2d7cd011db47',
          'https://login.partner.microsoftonline.cn',
          'https://microsoftgraph.chinacloudapi.cn/v1.0',
        ),
      );
    });

    it('keeps the explicit global cloud identical to the default', () => {
      expect(strategy({ cloud: 'global' }).endpoints).to.deep.equal(strategy().endpoints);
    });
  });

  describe('authority', () => {
    it('takes a full authority with a domain tenant', () => {
      expect(
        strategy({ authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' })
          .endpoints,
      ).to.deep.equal(endpointsFor(`${GLOBAL}/contoso.onmicrosoft.com`, GLOBAL, GRAPH));
    });

    it('keeps a path prefix on a loopback authority in front of the tenant, read from discovery', () => {
      expect(
        strategy({ authority: 'http://127.0.0.1:4010/identity/organizations' }).endpoints,
      ).to.deep.equal(
        endpointsFor(
          'http://127.0.0.1:4010/identity/organizations',
          'http://127.0.0.1:4010',
          GRAPH,
        ),
      );
    });

    it('treats an authority on a host other than Microsoft workforce login hosts as discovered', () => {
      const signIn = new MicrosoftSignIn({
        clientID: '3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40',
        clientSecret: 's',
        callbackURL: 'https://app.example.com/cb',
        authority: 'https://login.example.test/identity/organizations',
      });
      expect(signIn.config.authorityKind).to.equal('custom');
      expect(signIn.config.tenantKind).to.equal('customer');
    });

    it('drops a trailing slash', () => {
      expect(
        strategy({ authority: 'https://login.microsoftonline.com/common/' }).endpoints.authority,
      ).to.equal(`${GLOBAL}/common`);
    });

    it('takes an emulator-style http authority on 127.0.0.1', () => {
      expect(
        strategy({
          authority: 'http://127.0.0.1:4010/common',
          graphBaseURL: 'http://127.0.0.1:4010/v1.0',
        }).endpoints,
      ).to.deep.equal(
        endpointsFor(
          'http://127.0.0.1:4010/common',
          'http://127.0.0.1:4010',
          'http://127.0.0.1:4010/v1.0',
        ),
      );
    });

    it('allows consumers through an explicit authority even with a national cloud set', () => {
      expect(
        strategy({ authority: 'http://127.0.0.1:4010/consumers', cloud: 'usgov' }).endpoints
          .authority,
      ).to.equal('http://127.0.0.1:4010/consumers');
    });

    it('overrides login hosts but leaves Graph to the cloud', () => {
      expect(
        strategy({ authority: 'https://login.microsoftonline.us/organizations', cloud: 'usgov' })
          .endpoints.graphBaseURL,
      ).to.equal('https://graph.microsoft.us/v1.0');
    });
  });

  describe('Graph base URL', () => {
    it('defaults to Graph v1.0 of the cloud', () => {
      expect(strategy({ cloud: 'china', tenant: 'organizations' }).endpoints.graphBaseURL).to.equal(
        'https://microsoftgraph.chinacloudapi.cn/v1.0',
      );
    });

    it('takes graphBaseURL as given, without a trailing slash', () => {
      expect(
        strategy({ graphBaseURL: 'http://127.0.0.1:4010/v1.0/' }).endpoints.graphBaseURL,
      ).to.equal('http://127.0.0.1:4010/v1.0');
    });

    it("accepts passport-microsoft's apiEntryPoint and graphApiVersion", () => {
      expect(
        strategy({ apiEntryPoint: 'https://graph.microsoft.com', graphApiVersion: 'beta' })
          .endpoints.graphBaseURL,
      ).to.equal('https://graph.microsoft.com/beta');
    });

    it('uses v1.0 when only apiEntryPoint is given', () => {
      expect(
        strategy({ apiEntryPoint: 'https://graph.microsoft.us/' }).endpoints.graphBaseURL,
      ).to.equal('https://graph.microsoft.us/v1.0');
    });

    it("uses the cloud's Graph host when only graphApiVersion is given", () => {
      expect(
        strategy({ cloud: 'usgov', tenant: 'organizations', graphApiVersion: 'beta' }).endpoints
          .graphBaseURL,
      ).to.equal('https://graph.microsoft.us/beta');
    });
  });

  describe('explicit authorizationURL and tokenURL', () => {
    it('uses them as given and keeps the other endpoints on the tenant authority', () => {
      const s = strategy({
        tenant: 'organizations',
        authorizationURL: 'https://login.example.test/custom/authorize',
        tokenURL: 'https://login.example.test/custom/token',
      });
      expect(s.endpoints).to.deep.equal({
        ...endpointsFor(`${GLOBAL}/organizations`, GLOBAL, GRAPH),
        authorizationURL: 'https://login.example.test/custom/authorize',
        tokenURL: 'https://login.example.test/custom/token',
      });
    });
  });

  describe('strategy name', () => {
    it("is 'microsoft' by default", () => {
      expect(strategy().name).to.equal('microsoft');
    });

    it('follows options.name', () => {
      expect(strategy({ name: 'microsoft-work' }).name).to.equal('microsoft-work');
    });
  });

  describe('logout URL', () => {
    it('is the authority logout endpoint without parameters by default', () => {
      expect(strategy().logoutUrl()).to.equal(
        'https://login.microsoftonline.com/common/oauth2/v2.0/logout',
      );
    });

    it('carries post_logout_redirect_uri, logout_hint and state when given', () => {
      const url = new URL(
        strategy({ tenant: 'organizations' }).logoutUrl({
          postLogoutRedirectUri: 'https://app.example.com/bye?x=1',
          logoutHint: 'O.aaaaabbbbbbbbbcccc',
          state: 's-1',
        }),
      );
      expect(`${url.origin}${url.pathname}`).to.equal(
        'https://login.microsoftonline.com/organizations/oauth2/v2.0/logout',
      );
      expect(Object.fromEntries(url.searchParams)).to.deep.equal({
        post_logout_redirect_uri: 'https://app.example.com/bye?x=1',
        logout_hint: 'O.aaaaabbbbbbbbbcccc',
        state: 's-1',
      });
    });

    it('follows the national cloud', () => {
      expect(
        strategy({ cloud: 'china', tenant: 'contoso.partner.onmschina.cn' }).logoutUrl(),
      ).to.equal('https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/v2.0/logout');
    });

    it('follows an emulator authority', () => {
      expect(
        strategy({ authority: 'http://127.0.0.1:4010/consumers' }).logoutUrl({
          postLogoutRedirectUri: 'http://localhost:3000/',
        }),
      ).to.equal(
        'http://127.0.0.1:4010/consumers/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F',
      );
    });
  });
});
