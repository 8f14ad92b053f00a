/**
 * MicrosoftAccessTokenVerifier against a Microsoft-shaped authority on 127.0.0.1: one named test
 * per rule of Microsoft's access tokens (versions, issuers, key sets, key binding, Graph tokens,
 * times, audience, scopes and app permissions, client apps, tenants, B2C).
 */
import { expect } from 'chai';
import { MicrosoftAccessTokenError } from '../../lib/errors.js';
import {
  API_ID,
  APP_OID,
  CLIENT_APP,
  CONSUMER_TID,
  NOW,
  NOW_MS,
  OTHER_TID,
  TID,
  USER_OID,
  appV1,
  appV2,
  b64url,
  signToken,
  startAuthority,
  userV1,
  userV2,
  testVerifier,
} from './fixture.js';
import type { AuthorityFixture, VerifierOverrides } from './fixture.js';

async function refusal(promise: Promise<unknown>): Promise<MicrosoftAccessTokenError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(MicrosoftAccessTokenError);
    return err as MicrosoftAccessTokenError;
  }
  throw new Error('expected the token to be refused');
}

describe('MicrosoftAccessTokenVerifier: Microsoft access-token rules', () => {
  let f: AuthorityFixture;
  let clock = NOW_MS;
  const make = (options: VerifierOverrides = {}) => testVerifier(f, () => clock, options);

  before(async () => {
    f = await startAuthority();
  });
  after(() => f.close());
  beforeEach(() => {
    clock = NOW_MS;
    f.v2Keys = [f.keys.templated, f.keys.bound];
    f.v1Keys = [f.keys.templated, f.keys.shared, f.keys.v1only];
    f.v1Issuer = 'https://sts.windows.net/{tenantid}/';
    f.routes.clear();
  });

  describe('token versions', () => {
    it('reads a v2 user token: kind, id (oid), tenantId, clientAppId (azp), scopes, version, name, username (preferred_username)', async () => {
      const token = await make().verify(signToken(userV2(f), f.keys.templated));
      expect({ ...token, claims: undefined }).to.deep.equal({
        kind: 'user',
        id: USER_OID,
        tenantId: TID,
        clientAppId: CLIENT_APP,
        scopes: ['Notes.Read', 'Notes.Write'],
        roles: [],
        version: 2,
        name: 'Megan Bowen',
        username: 'megan@contoso.example',
        claims: undefined,
      });
      expect(token.claims.oid).to.equal(USER_OID);
      expect(
        Object.isFrozen(token) && Object.isFrozen(token.claims) && Object.isFrozen(token.scopes),
      ).to.equal(true);
    });

    it('reads a v1 user token: issuer of the v1 metadata with {tenantid} replaced, appid, upn; keys from <authority>/discovery/keys', async () => {
      const verifier = make();
      f.hits.clear();
      const token = await verifier.verify(signToken(userV1(f), f.keys.v1only));
      expect(token).to.include({
        kind: 'user',
        version: 1,
        clientAppId: CLIENT_APP,
        username: 'megan@contoso.example',
        tenantId: TID,
      });
      expect(f.count(`/${TID}/discovery/keys`)).to.equal(1);
      expect(f.count(`/${TID}/.well-known/openid-configuration`)).to.equal(1);
      expect(f.count(`/${TID}/discovery/v2.0/keys`)).to.equal(0);
    });

    it('reads unique_name as the username of a v1 token without upn', async () => {
      const claims = userV1(f, { unique_name: 'live.com#megan@outlook.example' });
      delete claims['upn'];
      const token = await make().verify(signToken(claims, f.keys.v1only));
      expect(token.username).to.equal('live.com#megan@outlook.example');
    });

    it('leaves name and username out when the token has none', async () => {
      const token = await make().verify(signToken(appV2(f), f.keys.templated));
      expect(token).not.to.have.property('name');
      expect(token).not.to.have.property('username');
    });

    it('reads the v1 issuer from the metadata rather than hard-coding sts.windows.net (national clouds differ)', async () => {
      f.v1Issuer = 'https://sts.chinacloudapi.cn/{tenantid}/';
      const verifier = make();
      await verifier.verify(signToken(userV1(f), f.keys.v1only));
      const err = await refusal(
        verifier.verify(
          signToken(userV1(f, { iss: `https://sts.windows.net/${TID}/` }), f.keys.v1only),
        ),
      );
      expect(err.code).to.equal('issuer');
    });

    it('refuses a v2 token carrying the v1 issuer, and a v1 token carrying the v2 issuer', async () => {
      const verifier = make();
      const v2 = await refusal(
        verifier.verify(
          signToken(userV2(f, { iss: `https://sts.windows.net/${TID}/` }), f.keys.templated),
        ),
      );
      expect(v2.code).to.equal('issuer');
      const v1 = await refusal(
        verifier.verify(signToken(userV1(f, { iss: f.v2Iss() }), f.keys.v1only)),
      );
      expect(v1.code).to.equal('issuer');
    });

    it('refuses a token whose ver is neither "1.0" nor "2.0"', async () => {
      const err = await refusal(
        make().verify(signToken(userV2(f, { ver: '3.0' }), f.keys.templated)),
      );
      expect(err.code).to.equal('claims');
    });
  });

  describe('signing keys', () => {
    it('checks a v2 token with the v2 key set only (a key published only in the v1 set is unknown)', async () => {
      const err = await refusal(make().verify(signToken(userV2(f), f.keys.v1only)));
      expect(err.code).to.equal('key_not_found');
    });

    it('binds a key carrying an issuer member to that issuer: a key of another tenant refuses a v2 token', async () => {
      const err = await refusal(make().verify(signToken(userV2(f), f.keys.bound)));
      expect(err.code).to.equal('issuer');
      expect(err.message).to.contain('bound to issuer');
    });

    it('binds a key carrying an issuer member for v1 tokens too, against the v2 issuer of tid', async () => {
      f.v1Keys = [{ ...f.keys.bound }, f.keys.v1only];
      const verifier = make();
      f.routes.set(`/${TID}/discovery/keys`, () => ({
        json: {
          keys: [
            {
              ...f.keys.bound.publicKey.export({ format: 'jwk' }),
              kid: f.keys.bound.kid,
              issuer: f.keys.bound.issuer,
            },
          ],
        },
      }));
      const err = await refusal(verifier.verify(signToken(userV1(f), f.keys.bound)));
      expect(err.code).to.equal('issuer');
      expect(err.message).to.contain('bound to issuer');
    });

    it('refetches the key set once for an unknown kid, then refuses it (key_not_found), without refetching again at once', async () => {
      const verifier = make();
      f.hits.clear();
      await verifier.verify(signToken(userV2(f), f.keys.templated));
      const path = `/${TID}/discovery/v2.0/keys`;
      expect(f.count(path)).to.equal(1);
      const stranger = { ...f.keys.shared, kid: 'k-stranger' };
      expect((await refusal(verifier.verify(signToken(userV2(f), stranger)))).code).to.equal(
        'key_not_found',
      );
      expect(f.count(path)).to.equal(2);
      expect(
        (await refusal(verifier.verify(signToken(userV2(f, { jti: 'b' }), stranger)))).code,
      ).to.equal('key_not_found');
      expect(f.count(path)).to.equal(2);
    });

    it('makes one key-set request for 1,000 concurrent verifications on a cold key cache', async () => {
      const verifier = make();
      const before = f.count(`/${TID}/discovery/v2.0/keys`);
      const tokens = Array.from({ length: 1000 }, (_, i) =>
        signToken(userV2(f, { jti: `t${i}` }), f.keys.templated),
      );
      const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
      expect(results).to.have.length(1000);
      expect(f.count(`/${TID}/discovery/v2.0/keys`) - before).to.equal(1);
      expect(verifier.keySetFetchCount).to.equal(1);
    });

    it('refuses with jwks_unavailable when the key set cannot be read', async () => {
      f.routes.set(`/${TID}/discovery/v2.0/keys`, () => ({ status: 500, json: {} }));
      expect((await refusal(make().verify(signToken(userV2(f), f.keys.templated)))).code).to.equal(
        'jwks_unavailable',
      );
    });

    it('refuses with metadata_unavailable when the v1 metadata cannot be read', async () => {
      f.routes.set(`/${TID}/.well-known/openid-configuration`, () => ({ status: 503, json: {} }));
      expect((await refusal(make().verify(signToken(userV1(f), f.keys.v1only)))).code).to.equal(
        'metadata_unavailable',
      );
    });
  });

  describe('Microsoft Graph tokens', () => {
    it('refuses a token with a nonce header as graph_token before checking its signature or audience', async () => {
      const token = signToken(userV2(f, { aud: 'someone-else' }), f.keys.shared, {
        nonce: 'AQAB-graph-nonce',
      });
      const err = await refusal(make().verify(`${token.slice(0, -4)}AAAA`));
      expect(err.code).to.equal('graph_token');
      expect(err.message).to.contain(`api://${API_ID}/.default`);
    });

    for (const aud of [
      '00000003-0000-0000-c000-000000000000',
      'https://graph.microsoft.com',
      'https://graph.microsoft.com/',
      'https://graph.microsoft.us',
      'https://dod-graph.microsoft.us/',
      'https://microsoftgraph.chinacloudapi.cn',
    ])
      it(`refuses a token for Graph (aud ${aud}) as graph_token`, async () => {
        const err = await refusal(make().verify(signToken(userV2(f, { aud }), f.keys.templated)));
        expect(err.code).to.equal('graph_token');
      });
  });

  describe('JOSE and registered claims', () => {
    for (const alg of ['none', 'HS256', 'PS256', 'ES256'])
      it(`refuses alg ${alg}`, async () => {
        const err = await refusal(make().verify(signToken(userV2(f), f.keys.templated, { alg })));
        expect(err.code).to.equal('algorithm');
      });

    for (const name of ['crit', 'jku', 'jwk', 'x5u'])
      it(`refuses a header carrying ${name}`, async () => {
        const err = await refusal(
          make().verify(
            signToken(userV2(f), f.keys.templated, {
              [name]: name === 'crit' ? ['exp'] : 'https://attacker.example/',
            }),
          ),
        );
        expect(err.code).to.equal('malformed');
      });

    it('refuses an expired token, a token not yet valid (nbf), and one issued in the future (iat), beyond the tolerance', async () => {
      const v = make({ clockTolerance: 60 });
      expect(
        (await refusal(v.verify(signToken(userV2(f, { exp: NOW - 61 }), f.keys.templated)))).code,
      ).to.equal('expired');
      expect(
        (await refusal(v.verify(signToken(userV2(f, { nbf: NOW + 61 }), f.keys.templated)))).code,
      ).to.equal('not_yet_valid');
      expect(
        (await refusal(v.verify(signToken(userV2(f, { iat: NOW + 61 }), f.keys.templated)))).code,
      ).to.equal('not_yet_valid');
      await v.verify(
        signToken(userV2(f, { exp: NOW - 59, nbf: NOW + 59, iat: NOW + 59 }), f.keys.templated),
      );
    });

    it('refuses a bad signature and a malformed token', async () => {
      const token = signToken(userV2(f), f.keys.templated);
      const [h, p] = token.split('.');
      const other = signToken(userV2(f, { scp: 'Admin' }), f.keys.templated).split('.')[2];
      expect((await refusal(make().verify(`${h}.${p}.${other}`))).code).to.equal('signature');
      expect((await refusal(make().verify('not a token'))).code).to.equal('malformed');
      expect((await refusal(make().verify(''))).code).to.equal('malformed');
      expect(
        (
          await refusal(
            make().verify(`${b64url({ alg: 'RS256', kid: 'k-templated' })}.${b64url('[]')}.AAAA`),
          )
        ).code,
      ).to.equal('signature');
    });
  });

  describe('audience', () => {
    it('accepts the client id and api://<client id> by default, compared exactly', async () => {
      const v = make();
      await v.verify(signToken(userV2(f, { aud: API_ID }), f.keys.templated));
      await v.verify(signToken(userV2(f, { aud: `api://${API_ID}` }), f.keys.templated));
      expect(
        (
          await refusal(
            v.verify(signToken(userV2(f, { aud: API_ID.toUpperCase() }), f.keys.templated)),
          )
        ).code,
      ).to.equal('audience');
      expect(
        (
          await refusal(
            v.verify(signToken(userV2(f, { aud: `api://${API_ID}/` }), f.keys.templated)),
          )
        ).code,
      ).to.equal('audience');
    });

    it('refuses an aud array, even one naming this API (Microsoft issues one audience per token)', async () => {
      const err = await refusal(
        make().verify(signToken(userV2(f, { aud: [API_ID] }), f.keys.templated)),
      );
      expect(err.code).to.equal('audience');
    });

    it('takes the audience option instead of the default', async () => {
      const v = make({ audience: 'https://notes.contoso.example' });
      await v.verify(
        signToken(userV2(f, { aud: 'https://notes.contoso.example' }), f.keys.templated),
      );
      expect((await refusal(v.verify(signToken(userV2(f), f.keys.templated)))).code).to.equal(
        'audience',
      );
    });
  });

  describe('scopes and app permissions', () => {
    it('refuses a token with neither scp nor roles', async () => {
      const claims = userV2(f);
      delete claims['scp'];
      const err = await refusal(make().verify(signToken(claims, f.keys.templated)));
      expect(err.code).to.equal('insufficient_scope');
      expect(err.message).to.contain('neither');
    });

    it('lets idtyp decide app-only versus user when present, and a token without scp be app-only without it', async () => {
      const v = make();
      expect(
        (await v.verify(signToken(appV2(f, { scp: 'Notes.Read' }), f.keys.templated))).kind,
      ).to.equal('app');
      const noIdtyp = appV2(f);
      delete noIdtyp['idtyp'];
      expect((await v.verify(signToken(noIdtyp, f.keys.templated))).kind).to.equal('app');
      expect(
        (await v.verify(signToken(userV2(f, { idtyp: 'user' }), f.keys.templated))).kind,
      ).to.equal('user');
    });

    it('needs one of the scopes in scp for a user token; the error names the scopes', async () => {
      const v = make({ scopes: ['Notes.Admin', 'Notes.Write'] });
      await v.verify(signToken(userV2(f), f.keys.templated));
      const err = await refusal(
        v.verify(signToken(userV2(f, { scp: 'Notes.Read' }), f.keys.templated)),
      );
      expect(err.code).to.equal('insufficient_scope');
      expect(err.required).to.deep.equal(['Notes.Admin', 'Notes.Write']);
    });

    it('lets per-call scopes and appPermissions replace the defaults', async () => {
      const v = make({ scopes: ['Notes.Read'] });
      const token = signToken(userV2(f, { scp: 'Notes.Read' }), f.keys.templated);
      await v.verify(token);
      expect((await refusal(v.verify(token, { scopes: ['Notes.Write'] }))).required).to.deep.equal([
        'Notes.Write',
      ]);
      const app = signToken(appV2(f), f.keys.templated);
      await v.verify(app);
      expect((await refusal(v.verify(app, { appPermissions: ['Notes.Write.All'] }))).code).to.equal(
        'insufficient_scope',
      );
    });

    it('refuses app-only tokens when appPermissions is not set', async () => {
      const err = await refusal(
        make({ appPermissions: undefined, scopes: ['Notes.Read'] }).verify(
          signToken(appV2(f), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('insufficient_scope');
      expect(err.message).to.contain('app-only tokens are not accepted');
    });

    it('needs one of the appPermissions in roles for an app-only token (v1 and v2)', async () => {
      const v = make({ appPermissions: ['Notes.Read.All'] });
      const v2 = await v.verify(signToken(appV2(f), f.keys.templated));
      expect(v2).to.include({ kind: 'app', id: APP_OID, clientAppId: CLIENT_APP });
      expect(v2.scopes).to.deep.equal([]);
      expect(v2.roles).to.deep.equal(['Notes.Read.All']);
      const v1 = await v.verify(signToken(appV1(f), f.keys.v1only));
      expect(v1).to.include({ kind: 'app', version: 1, clientAppId: CLIENT_APP });
      const err = await refusal(
        v.verify(signToken(appV2(f, { roles: ['Other.Role'] }), f.keys.templated)),
      );
      expect(err.required).to.deep.equal(['Notes.Read.All']);
    });

    it('does not let a user token pass on roles', async () => {
      const v = make({ scopes: ['Notes.Write'], appPermissions: ['Notes.Read.All'] });
      const err = await refusal(
        v.verify(
          signToken(userV2(f, { scp: 'Notes.Read', roles: ['Notes.Read.All'] }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('insufficient_scope');
    });
  });

  describe('client applications and tenants', () => {
    it('takes clientAppId from azp, else appid, and refuses a client outside allowedClientApps', async () => {
      const v = make({ allowedClientApps: [CLIENT_APP.toUpperCase()] });
      await v.verify(signToken(userV2(f), f.keys.templated));
      await v.verify(signToken(userV1(f), f.keys.v1only));
      const err = await refusal(
        v.verify(
          signToken(userV2(f, { azp: 'f0000000-0000-0000-0000-000000000000' }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('client_app');
    });

    it('refuses a token of another tenant on a tenant-id authority', async () => {
      const err = await refusal(
        make().verify(
          signToken(userV2(f, { tid: OTHER_TID, iss: f.v2Iss(OTHER_TID) }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('issuer');
    });

    it('with common: takes the tenants of allowedTenants and refuses the others', async () => {
      const v = make({ authority: `${f.url}/common`, allowedTenants: [TID] });
      await v.verify(signToken(userV2(f), f.keys.templated));
      const err = await refusal(
        v.verify(
          signToken(userV2(f, { tid: OTHER_TID, iss: f.v2Iss(OTHER_TID) }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('tenant');
    });

    it("with common and allowedTenants '*': takes any tenant, still checking iss against tid", async () => {
      const v = make({ authority: `${f.url}/common`, allowedTenants: '*' });
      await v.verify(
        signToken(userV2(f, { tid: OTHER_TID, iss: f.v2Iss(OTHER_TID) }), f.keys.templated),
      );
      const err = await refusal(
        v.verify(signToken(userV2(f, { tid: OTHER_TID }), f.keys.templated)),
      );
      expect(err.code).to.equal('issuer');
    });

    it('asks an allowedTenants function with the tenant id and the claims', async () => {
      const asked: string[] = [];
      const v = make({
        authority: `${f.url}/organizations`,
        allowedTenants: (tid, claims) => {
          asked.push(`${tid} ${String(claims.oid)}`);
          return Promise.resolve(tid === TID);
        },
      });
      await v.verify(signToken(userV2(f), f.keys.templated));
      expect(asked).to.deep.equal([`${TID} ${USER_OID}`]);
      const err = await refusal(
        v.verify(
          signToken(userV2(f, { tid: OTHER_TID, iss: f.v2Iss(OTHER_TID) }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('tenant');
    });

    it('refuses a personal account on organizations', async () => {
      const v = make({ authority: `${f.url}/organizations`, allowedTenants: '*' });
      const err = await refusal(
        v.verify(
          signToken(userV2(f, { tid: CONSUMER_TID, iss: f.v2Iss(CONSUMER_TID) }), f.keys.templated),
        ),
      );
      expect(err.code).to.equal('tenant');
    });
  });

  describe('B2C and External ID', () => {
    it('lets the discovered issuer decide whatever ver says, and reads the tenant from iss without tid', async () => {
      const b2cIss = `${f.url}/${TID}/v2.0/`;
      f.routes.set(
        '/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration',
        () => ({
          json: {
            issuer: b2cIss,
            authorization_endpoint: `${f.url}/contoso.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/authorize`,
            token_endpoint: `${f.url}/contoso.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/token`,
            jwks_uri: `${f.url}/${TID}/discovery/v2.0/keys`,
          },
        }),
      );
      const v = make({ authority: `${f.url}/contoso.onmicrosoft.com`, policy: 'B2C_1_signin' });
      const claims = userV2(f, { ver: '1.0', iss: b2cIss, tfp: 'B2C_1_signin' });
      delete claims['tid'];
      const token = await v.verify(signToken(claims, f.keys.templated));
      expect(token).to.include({ tenantId: TID, version: 1, kind: 'user' });
      const err = await refusal(v.verify(signToken(userV2(f), f.keys.templated)));
      expect(err.code).to.equal('issuer');
    });
  });

  it('keeps a token for a clock past nbf only: its times are checked against the injected clock', async () => {
    const v = make();
    clock = (NOW + 4000) * 1000;
    expect((await refusal(v.verify(signToken(userV2(f), f.keys.templated)))).code).to.equal(
      'expired',
    );
  });
});
