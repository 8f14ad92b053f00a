import { expect } from 'chai';
import { CONSUMER_TENANT_ID, isGuid, tenantKind } from '../../lib/config/clouds.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { StateStore } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { deepFreeze } from '../helpers/freeze.js';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/microsoft.js';

const verify = (
  _a: string,
  _r: string | undefined,
  _p: unknown,
  done: (err: unknown, user?: object) => void,
): void => done(null, {});

const BASE = {
  clientID: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  callbackURL: '/auth/microsoft/callback',
};

/** Constructs a strategy from options that may be deliberately wrong. */
function construct(options: Record<string, unknown> | null, verifyFn: unknown = verify): Strategy {
  return new Strategy(options as unknown as StrategyOptions, verifyFn as typeof verify);
}

/** Expects the options to be rejected with exactly this TypeError message. */
function rejects(options: Record<string, unknown> | null, message: string): void {
  expect(() => construct(options))
    .to.throw(TypeError, message)
    .with.property('message', message);
}

describe('unit: constructor validation', () => {
  describe('required options', () => {
    it('rejects a missing options object', () => {
      rejects(null, 'MicrosoftStrategy requires an options object');
    });

    it('rejects a missing clientID', () => {
      rejects(
        { clientSecret: CLIENT_SECRET, callbackURL: '/cb' },
        'MicrosoftStrategy requires a clientID option',
      );
    });

    it('rejects an empty clientID', () => {
      rejects({ ...BASE, clientID: '' }, 'MicrosoftStrategy requires a clientID option');
    });

    it('rejects a clientID that is not a string', () => {
      rejects({ ...BASE, clientID: 1234 }, 'MicrosoftStrategy option clientID must be a string');
    });

    it('rejects a missing clientSecret', () => {
      rejects(
        { clientID: CLIENT_ID, callbackURL: '/cb' },
        'MicrosoftStrategy requires a clientSecret option (or clientCertificate or clientAssertion instead)',
      );
    });

    it('rejects a null clientSecret', () => {
      rejects({ ...BASE, clientSecret: null }, 'MicrosoftStrategy requires a clientSecret option');
    });

    it('rejects a missing callbackURL', () => {
      rejects(
        { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET },
        'MicrosoftStrategy requires a callbackURL option',
      );
    });

    it('rejects a missing verify callback', () => {
      expect(() => new Strategy(BASE, undefined as unknown as typeof verify)).to.throw(
        TypeError,
        'MicrosoftStrategy requires a verify callback',
      );
    });

    it('rejects a verify callback that is not a function', () => {
      expect(() => construct(BASE, 'verify')).to.throw(
        TypeError,
        'MicrosoftStrategy requires a verify callback',
      );
    });

    it('never quotes the client secret in a validation message', () => {
      expect(() => construct({ ...BASE, clientSecret: 42 }))
        .to.throw(TypeError)
        .that.satisfies((err: Error) => !err.message.includes('42'));
    });
  });

  describe('unknown options', () => {
    it('rejects an option it does not know, naming it', () => {
      rejects(
        { ...BASE, tenantId: 'common' },
        'MicrosoftStrategy does not know the option "tenantId"',
      );
    });

    it('rejects passport-azure-ad style identityMetadata', () => {
      rejects(
        {
          ...BASE,
          identityMetadata:
            'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
        },
        'MicrosoftStrategy does not know the option "identityMetadata"',
      );
    });

    it('accepts passport-oauth2 scopeSeparator for compatibility', () => {
      expect(() => construct({ ...BASE, scopeSeparator: ' ' })).not.to.throw();
    });
  });

  describe('name', () => {
    it('rejects an empty name', () => {
      rejects({ ...BASE, name: '' }, 'MicrosoftStrategy option name must be a non-empty string');
    });

    it('rejects a name that is not a string', () => {
      rejects({ ...BASE, name: 7 }, 'MicrosoftStrategy option name must be a non-empty string');
    });
  });

  describe('cloud, tenant and authority', () => {
    it('rejects an unknown cloud, listing the known ones', () => {
      rejects(
        { ...BASE, cloud: 'germany' },
        'MicrosoftStrategy option cloud must be one of global, usgov, usgov-dod, china, got "germany"',
      );
    });

    it('rejects a cloud that is not a string', () => {
      rejects(
        { ...BASE, cloud: 1 },
        'MicrosoftStrategy option cloud must be one of global, usgov, usgov-dod, china, got "1"',
      );
    });

    it('does not take inherited object keys as clouds', () => {
      rejects(
        { ...BASE, cloud: 'toString' },
        'MicrosoftStrategy option cloud must be one of global, usgov, usgov-dod, china, got "toString"',
      );
    });

    it('rejects a tenant with a slash', () => {
      rejects(
        { ...BASE, tenant: 'contoso.onmicrosoft.com/v2.0' },
        'MicrosoftStrategy option tenant must be common, organizations, consumers, a tenant id or a domain, without slashes; got "contoso.onmicrosoft.com/v2.0"',
      );
    });

    it('rejects a malformed tenant', () => {
      rejects(
        { ...BASE, tenant: 'my tenant' },
        'MicrosoftStrategy option tenant must be common, organizations, consumers, a tenant id (GUID) or a domain; got "my tenant"',
      );
    });

    it('rejects a tenant that is almost a GUID', () => {
      rejects(
        { ...BASE, tenant: '72f988bf-86f1-41af-91ab-2d7cd011db4' },
        'MicrosoftStrategy option tenant must be common, organizations, consumers, a tenant id (GUID) or a domain; got "72f988bf-86f1-41af-91ab-2d7cd011db4"',
      );
    });

    it('rejects an empty tenant', () => {
      rejects(
        { ...BASE, tenant: '' },
        'MicrosoftStrategy option tenant must be a non-empty string',
      );
    });

    it('rejects a tenant that is not a string', () => {
      rejects(
        { ...BASE, tenant: 42 },
        'MicrosoftStrategy option tenant must be a non-empty string',
      );
    });

    it('rejects consumers in a national cloud (personal accounts exist only in the global cloud)', () => {
      rejects(
        { ...BASE, tenant: 'consumers', cloud: 'usgov' },
        'MicrosoftStrategy option tenant "consumers" is not available in the usgov cloud: personal Microsoft accounts exist only in the global cloud',
      );
    });

    it('rejects the consumer tenant GUID in the China cloud', () => {
      rejects(
        { ...BASE, tenant: CONSUMER_TENANT_ID, cloud: 'china' },
        'MicrosoftStrategy option tenant "consumers" is not available in the china cloud: personal Microsoft accounts exist only in the global cloud',
      );
    });

    it('rejects authority and tenant together', () => {
      rejects(
        { ...BASE, authority: 'https://login.microsoftonline.com/common', tenant: 'common' },
        'MicrosoftStrategy takes either authority or tenant, not both (the authority ends with the tenant)',
      );
    });

    it('rejects an authority that is not a URL', () => {
      rejects(
        { ...BASE, authority: 'login.microsoftonline.com/common' },
        'MicrosoftStrategy option authority must be an absolute http(s) URL, got "login.microsoftonline.com/common"',
      );
    });

    it('rejects an authority that is not http(s)', () => {
      rejects(
        { ...BASE, authority: 'ftp://login.microsoftonline.com/common' },
        'MicrosoftStrategy option authority must be an absolute http(s) URL, got "ftp://login.microsoftonline.com/common"',
      );
    });

    it('rejects an authority with a query', () => {
      rejects(
        { ...BASE, authority: 'https://login.microsoftonline.com/common?p=B2C_1_signin' },
        'MicrosoftStrategy option authority must not have a query or fragment',
      );
    });

    it('rejects an authority with a fragment', () => {
      rejects(
        { ...BASE, authority: 'https://login.microsoftonline.com/common#x' },
        'MicrosoftStrategy option authority must not have a query or fragment',
      );
    });

    it('rejects an authority without a tenant segment', () => {
      rejects(
        { ...BASE, authority: 'http://127.0.0.1:4010/' },
        'MicrosoftStrategy option authority must end with a tenant, e.g. "http://127.0.0.1:4010/common"',
      );
    });

    it('rejects an authority whose last segment is not a tenant', () => {
      rejects(
        { ...BASE, authority: 'https://login.microsoftonline.com/v2.0' },
        'MicrosoftStrategy option tenant must be common, organizations, consumers, a tenant id (GUID) or a domain; got "v2.0"',
      );
    });

    it('rejects an empty authority', () => {
      rejects(
        { ...BASE, authority: '' },
        'MicrosoftStrategy option authority must be a non-empty string',
      );
    });
  });

  describe('Graph', () => {
    it('rejects graphBaseURL together with apiEntryPoint', () => {
      rejects(
        {
          ...BASE,
          graphBaseURL: 'https://graph.microsoft.com/v1.0',
          apiEntryPoint: 'https://graph.microsoft.com',
        },
        'MicrosoftStrategy takes either graphBaseURL or apiEntryPoint/graphApiVersion, not both',
      );
    });

    it('rejects graphBaseURL together with graphApiVersion', () => {
      rejects(
        { ...BASE, graphBaseURL: 'https://graph.microsoft.com/v1.0', graphApiVersion: 'beta' },
        'MicrosoftStrategy takes either graphBaseURL or apiEntryPoint/graphApiVersion, not both',
      );
    });

    it('rejects a graphBaseURL that is not absolute', () => {
      rejects(
        { ...BASE, graphBaseURL: '/v1.0' },
        'MicrosoftStrategy option graphBaseURL must be an absolute http(s) URL, got "/v1.0"',
      );
    });

    it('rejects an apiEntryPoint that is not absolute', () => {
      rejects(
        { ...BASE, apiEntryPoint: 'graph.microsoft.com' },
        'MicrosoftStrategy option apiEntryPoint must be an absolute http(s) URL, got "graph.microsoft.com"',
      );
    });

    it('rejects a graphApiVersion that is not a version', () => {
      rejects(
        { ...BASE, graphApiVersion: 'v1.0/../beta' },
        'MicrosoftStrategy option graphApiVersion must look like "v1.0" or "beta", got "v1.0/../beta"',
      );
    });
  });

  describe('endpoint overrides', () => {
    it('rejects an authorizationURL that is not absolute', () => {
      rejects(
        { ...BASE, authorizationURL: '/oauth2/v2.0/authorize' },
        'MicrosoftStrategy option authorizationURL must be an absolute http(s) URL, got "/oauth2/v2.0/authorize"',
      );
    });

    it('rejects a tokenURL that is not absolute', () => {
      rejects(
        { ...BASE, tokenURL: 'token' },
        'MicrosoftStrategy option tokenURL must be an absolute http(s) URL, got "token"',
      );
    });

    it('rejects a tokenURL with a query', () => {
      rejects(
        { ...BASE, tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token?x=1' },
        'MicrosoftStrategy option tokenURL must not have a query or fragment',
      );
    });
  });

  describe('scope', () => {
    it('rejects an empty scope array', () => {
      rejects(
        { ...BASE, scope: [] },
        'MicrosoftStrategy option scope must name at least one scope (Microsoft rejects a request without one)',
      );
    });

    it('rejects a blank scope string', () => {
      rejects(
        { ...BASE, scope: ' , ' },
        'MicrosoftStrategy option scope must name at least one scope (Microsoft rejects a request without one)',
      );
    });

    it('rejects a scope that is not a string or array of strings', () => {
      rejects(
        { ...BASE, scope: ['openid', 5] },
        'MicrosoftStrategy option scope must be a string or an array of strings',
      );
    });
  });

  describe('state, PKCE and store', () => {
    it('rejects a state that is not a boolean', () => {
      rejects({ ...BASE, state: 'yes' }, 'MicrosoftStrategy option state must be true or false');
    });

    it('rejects pkce without state', () => {
      rejects(
        { ...BASE, state: false, pkce: true },
        'MicrosoftStrategy option pkce needs state: the PKCE verifier is kept with the state',
      );
    });

    it('rejects a store without verify()', () => {
      rejects(
        { ...BASE, store: { store: () => undefined } },
        'MicrosoftStrategy option store must be an object with store() and verify() methods',
      );
    });

    it('rejects a null store', () => {
      rejects(
        { ...BASE, store: null },
        'MicrosoftStrategy option store must be an object with store() and verify() methods',
      );
    });

    it('rejects a store with state turned off', () => {
      const store: StateStore = { store: () => undefined, verify: () => undefined };
      rejects({ ...BASE, state: false, store }, 'MicrosoftStrategy option store needs state: true');
    });

    it('rejects an empty sessionKey', () => {
      rejects(
        { ...BASE, sessionKey: '' },
        'MicrosoftStrategy option sessionKey must be a non-empty string',
      );
    });
  });

  describe('numbers', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`rejects timeout ${String(bad)}`, () => {
        rejects(
          { ...BASE, timeout: bad },
          `MicrosoftStrategy option timeout must be a positive number of milliseconds, got ${String(bad)}`,
        );
      });
    }

    it('rejects a timeout given as a string', () => {
      rejects(
        { ...BASE, timeout: '5000' },
        'MicrosoftStrategy option timeout must be a positive number of milliseconds, got 5000',
      );
    });

    it('rejects a negative clockTolerance', () => {
      rejects(
        { ...BASE, clockTolerance: -1 },
        'MicrosoftStrategy option clockTolerance must be a number of seconds >= 0, got -1',
      );
    });

    it('accepts a clockTolerance of 0', () => {
      expect(() => construct({ ...BASE, clockTolerance: 0 })).not.to.throw();
    });
  });

  describe('photo and profileSource', () => {
    const sizes = '48x48, 64x64, 96x96, 120x120, 240x240, 360x360, 432x432, 504x504, 648x648';

    it('rejects a photo size Graph does not serve', () => {
      rejects(
        { ...BASE, photo: '50x50' },
        `MicrosoftStrategy option photo must be true, false or one of ${sizes}; got "50x50"`,
      );
    });

    it('rejects a photo value that is not a boolean or size', () => {
      rejects(
        { ...BASE, photo: 1 },
        `MicrosoftStrategy option photo must be true, false or one of ${sizes}; got 1`,
      );
    });

    it('rejects an unknown profileSource', () => {
      rejects(
        { ...BASE, profileSource: 'userinfo' },
        'MicrosoftStrategy option profileSource must be "graph" or "id_token", got "userinfo"',
      );
    });

    it('rejects profileSource id_token without the openid scope', () => {
      rejects(
        { ...BASE, profileSource: 'id_token', scope: ['User.Read'] },
        'MicrosoftStrategy option profileSource "id_token" needs the openid scope',
      );
    });

    it('rejects the photo option with profileSource id_token', () => {
      rejects(
        { ...BASE, profileSource: 'id_token', photo: true },
        'MicrosoftStrategy option photo needs profileSource "graph" (the photo comes from Microsoft Graph)',
      );
    });
  });

  describe('allowedTenants', () => {
    it('rejects a single string instead of an array', () => {
      rejects(
        { ...BASE, allowedTenants: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
        'MicrosoftStrategy option allowedTenants must be an array of tenant ids or a function',
      );
    });

    it('rejects an array with an empty entry', () => {
      rejects(
        { ...BASE, allowedTenants: [''] },
        'MicrosoftStrategy option allowedTenants must be an array of tenant ids or a function',
      );
    });

    it('rejects an allow-list without the openid scope', () => {
      rejects(
        { ...BASE, allowedTenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'], scope: 'User.Read' },
        'MicrosoftStrategy option allowedTenants needs the openid scope (the tenant comes from the ID token)',
      );
    });

    it('accepts a function', () => {
      expect(() => construct({ ...BASE, allowedTenants: () => true })).not.to.throw();
    });
  });

  describe('boolean and callback options', () => {
    for (const key of ['passReqToCallback', 'addUPNAsEmail', 'proxy']) {
      it(`rejects a ${key} that is not a boolean`, () => {
        rejects(
          { ...BASE, [key]: 'true' },
          `MicrosoftStrategy option ${key} must be true or false`,
        );
      });
    }

    it('rejects a skipUserProfile that is neither boolean nor function', () => {
      rejects(
        { ...BASE, skipUserProfile: 'yes' },
        'MicrosoftStrategy option skipUserProfile must be a boolean or a function',
      );
    });
  });

  describe("the caller's options object", () => {
    it('works on a deep-frozen options object', () => {
      const options = deepFreeze({
        ...BASE,
        tenant: 'organizations',
        scope: ['openid', 'profile', 'User.Read'],
        customHeaders: { 'x-app': 'demo' },
        photo: '48x48' as const,
        allowedTenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
      });
      const strategy = new Strategy(options, verify);
      expect(strategy.endpoints.authority).to.equal(
        'https://login.microsoftonline.com/organizations',
      );
    });

    it('leaves every option exactly as it was', () => {
      const options: StrategyOptions = {
        ...BASE,
        cloud: 'usgov',
        tenant: 'contoso.onmicrosoft.us',
        scope: 'openid User.Read',
        timeout: 2500,
        customHeaders: { 'x-app': 'demo' },
      };
      const before = structuredClone(options);
      new Strategy(options, verify);
      expect(options).to.deep.equal(before);
      expect(Object.keys(options)).to.deep.equal(Object.keys(before));
    });
  });
});

describe('unit: tenant classification', () => {
  it('recognizes the three well-known tenants case-insensitively', () => {
    expect(['common', 'Organizations', 'CONSUMERS'].map(tenantKind)).to.deep.equal([
      'common',
      'organizations',
      'consumers',
    ]);
  });

  it('treats the consumer tenant GUID as consumers', () => {
    expect(tenantKind(CONSUMER_TENANT_ID)).to.equal('consumers');
  });

  it('classifies other GUIDs and domains', () => {
    expect(tenantKind('72f988bf-86f1-41af-91ab-2d7cd011db47')).to.equal('guid');
    expect(tenantKind('contoso.onmicrosoft.com')).to.equal('domain');
    expect(tenantKind('contoso')).to.equal(undefined);
  });

  it('tells GUIDs from other values', () => {
    expect(isGuid('72F988BF-86F1-41AF-91AB-2D7CD011DB47')).to.equal(true);
    expect(isGuid('72f988bf86f141af91ab2d7cd011db47')).to.equal(false);
    expect(isGuid(42)).to.equal(false);
  });
});
