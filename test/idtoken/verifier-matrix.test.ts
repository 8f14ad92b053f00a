/**
 * Forged-token matrix: each forged or wrong token is rejected by the verifier with the expected
 * MicrosoftIdTokenError code; genuine tokens for each authority are accepted.
 */
import { expect } from 'chai';
import * as jose from 'jose';
import { ID_TOKEN_ERROR_CODES } from '../../lib/errors.js';
import type { IdTokenErrorCode } from '../../lib/errors.js';
import { expectIdTokenError } from '../helpers/errors.js';
import {
  CLIENT_ID,
  CONSUMER_TID,
  OTHER_TID,
  WORK_TID,
  b64url,
  epoch,
  startFixture,
} from './fixture-server.js';
import type { IdpFixture } from './fixture-server.js';

const OTHER_APP = '00000003-0000-0000-c000-000000000000';
const NONCE = 'n-0S6_WzA2Mj';
const TOLERANCE = 300;
/** Fixed clock of the verifier (ms). */
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW = epoch(NOW_MS);

type Claims = Record<string, unknown>;

function without(claims: Claims, ...keys: string[]): Claims {
  const out = { ...claims };
  for (const k of keys) delete out[k];
  return out;
}

describe('ID token verifier: forged-token matrix', () => {
  let fx: IdpFixture;

  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx.close();
  });

  function claims(tid: string, extra: Claims = {}): Claims {
    return {
      ver: '2.0',
      iss: fx.issuer(tid),
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      aud: CLIENT_ID,
      exp: NOW + 3600,
      iat: NOW - 60,
      nbf: NOW - 60,
      name: 'Avery Quinn',
      preferred_username: 'avery@example.com',
      oid:
        tid === CONSUMER_TID
          ? '00000000-0000-0000-66f3-3332eca7ea81'
          : '5b1c2f1e-8f0a-4c55-9c31-1f3c1a2b3d4e',
      tid,
      nonce: NONCE,
      ...extra,
    };
  }

  /** Verifies `token` with a fresh verifier (and key cache) for the authority `${origin}/${tenant}`. */
  async function verify(
    tenant: string,
    token: unknown,
    expectations: { nonce: string | undefined } = { nonce: NONCE },
  ): Promise<unknown> {
    return fx
      .verifierFor({ tenant, clockTolerance: TOLERANCE, now: () => NOW_MS })
      .verifier.verify(token, expectations);
  }

  describe('rejected', () => {
    interface Case {
      name: string;
      tenant: string;
      token: () => Promise<unknown>;
      code: IdTokenErrorCode;
    }

    const cases: Case[] = [
      {
        name: 'alg none (unsigned)',
        tenant: 'common',
        code: 'algorithm',
        token: async () =>
          `${b64url(JSON.stringify({ typ: 'JWT', alg: 'none', kid: fx.templatedKey.kid }))}.${b64url(JSON.stringify(claims(WORK_TID)))}.`,
      },
      {
        name: 'HS256 signed with the RSA public key (SPKI PEM) as the secret',
        tenant: 'common',
        code: 'algorithm',
        token: async () => {
          const pem = await jose.exportSPKI(fx.templatedKey.publicKey);
          return new jose.SignJWT(claims(WORK_TID))
            .setProtectedHeader({ alg: 'HS256', kid: fx.templatedKey.kid })
            .sign(new TextEncoder().encode(pem));
        },
      },
      {
        name: 'HS256 signed with the published JWK as the secret',
        tenant: 'common',
        code: 'algorithm',
        token: async () =>
          new jose.SignJWT(claims(WORK_TID))
            .setProtectedHeader({ alg: 'HS256', kid: fx.templatedKey.kid })
            .sign(new TextEncoder().encode(JSON.stringify(fx.templatedKey.jwk))),
      },
      ...(['ES256', 'PS256'] as const).map((alg): Case => ({
        name: `${alg}-signed token`,
        tenant: 'common',
        code: 'algorithm',
        token: async () => {
          const { privateKey } = await jose.generateKeyPair(alg);
          return new jose.SignJWT(claims(WORK_TID))
            .setProtectedHeader({ alg, kid: fx.templatedKey.kid })
            .sign(privateKey);
        },
      })),
      {
        name: 'header without kid',
        tenant: 'common',
        code: 'key_not_found',
        token: async () =>
          new jose.SignJWT(claims(WORK_TID))
            .setProtectedHeader({ alg: 'RS256' })
            .sign(fx.templatedKey.privateKey),
      },
      {
        name: 'unknown kid',
        tenant: 'common',
        code: 'key_not_found',
        token: async () => {
          const stranger = await fx.makeKey(fx.templatedIssuer, 'not-in-the-jwks');
          return fx.sign(claims(WORK_TID), { key: stranger });
        },
      },
      {
        name: 'right kid but signed by another key',
        tenant: 'common',
        code: 'signature',
        token: async () => {
          const stranger = await fx.makeKey(fx.templatedIssuer);
          return fx.sign(claims(WORK_TID), { key: stranger, kid: fx.templatedKey.kid });
        },
      },
      {
        name: 'tampered payload (re-encoded, signature kept)',
        tenant: 'common',
        code: 'signature',
        token: async () => {
          const [h, , s] = (await fx.sign(claims(WORK_TID))).split('.');
          const forged = b64url(
            JSON.stringify(
              claims(WORK_TID, {
                oid: '11111111-2222-3333-4444-555555555555',
                preferred_username: 'admin@contoso.example',
              }),
            ),
          );
          return `${h ?? ''}.${forged}.${s ?? ''}`;
        },
      },
      {
        name: 'tampered header (kid switched to another published key)',
        tenant: 'common',
        code: 'signature',
        token: async () => {
          const [, p, s] = (await fx.sign(claims(WORK_TID))).split('.');
          const other = fx.keys.find(
            (k) => k.kid !== fx.templatedKey.kid && k.jwk.issuer === fx.templatedIssuer,
          );
          if (!other) throw new Error('need a second templated key');
          return `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: other.kid }))}.${p ?? ''}.${s ?? ''}`;
        },
      },
      {
        name: 'expired beyond the tolerance',
        tenant: 'common',
        code: 'expired',
        token: async () =>
          fx.sign(claims(WORK_TID, { iat: NOW - 3900, nbf: NOW - 3900, exp: NOW - TOLERANCE - 1 })),
      },
      {
        name: 'nbf in the future beyond the tolerance',
        tenant: 'common',
        code: 'not_yet_valid',
        token: async () => fx.sign(claims(WORK_TID, { nbf: NOW + TOLERANCE + 60, iat: NOW })),
      },
      {
        name: 'iat in the future beyond the tolerance',
        tenant: 'common',
        code: 'not_yet_valid',
        token: async () => fx.sign(without(claims(WORK_TID, { iat: NOW + TOLERANCE + 60 }), 'nbf')),
      },
      {
        name: 'wrong aud',
        tenant: 'common',
        code: 'audience',
        token: async () => fx.sign(claims(WORK_TID, { aud: OTHER_APP })),
      },
      {
        name: 'aud array with the client and another app',
        tenant: 'common',
        code: 'audience',
        token: async () => fx.sign(claims(WORK_TID, { aud: [CLIENT_ID, OTHER_APP] })),
      },
      {
        name: 'iss tenant differs from tid',
        tenant: 'common',
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID, { iss: fx.issuer(OTHER_TID) })),
      },
      {
        name: 'tid is not a GUID',
        tenant: 'common',
        code: 'issuer',
        token: async () =>
          fx.sign(
            claims(WORK_TID, {
              tid: 'contoso.onmicrosoft.com',
              iss: fx.issuer('contoso.onmicrosoft.com'),
            }),
          ),
      },
      {
        name: 'tid missing',
        tenant: 'common',
        code: 'issuer',
        token: async () => fx.sign(without(claims(WORK_TID), 'tid')),
      },
      {
        name: 'iss containing the literal {tenantid}',
        tenant: 'common',
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID, { iss: fx.templatedIssuer })),
      },
      {
        name: 'iss on another host with the right tenant',
        tenant: 'common',
        code: 'issuer',
        token: async () =>
          fx.sign(claims(WORK_TID, { iss: `https://login.microsoftonline.com/${WORK_TID}/v2.0` })),
      },
      {
        name: 'iss with a v1 (sts.windows.net) shape',
        tenant: 'organizations',
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID, { iss: `${fx.origin}/${WORK_TID}/` })),
      },
      {
        name: 'work-tenant token signed with the consumer-bound key (common authority)',
        tenant: 'common',
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID), { key: fx.consumerKey }),
      },
      {
        name: 'work-tenant token signed with the consumer-bound key (organizations authority)',
        tenant: 'organizations',
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID), { key: fx.consumerKey }),
      },
      {
        name: 'consumer token under organizations',
        tenant: 'organizations',
        code: 'tenant',
        token: async () => fx.sign(claims(CONSUMER_TID)),
      },
      {
        name: 'work token under consumers',
        tenant: 'consumers',
        code: 'tenant',
        token: async () => fx.sign(claims(WORK_TID)),
      },
      {
        name: 'work token under the consumer tenant GUID authority',
        tenant: CONSUMER_TID,
        code: 'tenant',
        token: async () => fx.sign(claims(WORK_TID)),
      },
      {
        name: 'token from another tenant under a GUID authority',
        tenant: WORK_TID,
        code: 'issuer',
        token: async () => fx.sign(claims(OTHER_TID)),
      },
      {
        name: 'missing nonce',
        tenant: 'common',
        code: 'nonce',
        token: async () => fx.sign(without(claims(WORK_TID), 'nonce')),
      },
      {
        name: 'wrong nonce',
        tenant: 'common',
        code: 'nonce',
        token: async () => fx.sign(claims(WORK_TID, { nonce: 'a-nonce-from-another-login' })),
      },
      {
        name: 'missing id_token (openid requested)',
        tenant: 'common',
        code: 'missing',
        token: async () => undefined,
      },
      {
        name: 'empty id_token',
        tenant: 'common',
        code: 'missing',
        token: async () => '',
      },
      {
        name: 'malformed: two segments',
        tenant: 'common',
        code: 'malformed',
        token: async () => (await fx.sign(claims(WORK_TID))).split('.').slice(0, 2).join('.'),
      },
      {
        name: 'malformed: garbage base64',
        tenant: 'common',
        code: 'malformed',
        token: async () => '%%%garbage.***not-base64***.@@@',
      },
      {
        name: 'malformed: signed payload that is not JSON',
        tenant: 'common',
        code: 'malformed',
        token: async () =>
          new jose.CompactSign(new TextEncoder().encode('not json at all'))
            .setProtectedHeader({ alg: 'RS256', kid: fx.templatedKey.kid })
            .sign(fx.templatedKey.privateKey),
      },
      {
        name: 'exp missing',
        tenant: 'common',
        code: 'claims',
        token: async () => fx.sign(without(claims(WORK_TID), 'exp')),
      },
      {
        name: 'iat missing',
        tenant: 'common',
        code: 'claims',
        token: async () => fx.sign(without(claims(WORK_TID), 'iat')),
      },
      {
        // Regression: the consumers issuer is exact; an upper-case tenant id signed with a templated key must not pass.
        name: 'consumer tenant id in upper case, templated key, under consumers',
        tenant: 'consumers',
        code: 'issuer',
        token: async () => fx.sign(claims(CONSUMER_TID.toUpperCase()), { key: fx.templatedKey }),
      },
      {
        // Regression: a tenant-id authority has exactly one issuer spelling.
        name: 'work tenant id in upper case under its GUID authority',
        tenant: WORK_TID,
        code: 'issuer',
        token: async () => fx.sign(claims(WORK_TID.toUpperCase())),
      },
      {
        name: 'exp not a number',
        tenant: 'common',
        code: 'claims',
        token: async () => fx.sign(claims(WORK_TID, { exp: String(NOW + 3600) })),
      },
    ];

    for (const c of cases) {
      it(`${c.name} → ${c.code}`, async () => {
        const token = await c.token();
        await expectIdTokenError(verify(c.tenant, token), c.code);
      });
    }

    // Checked against the library's list of codes, not this file's own count: a code added to
    // ID_TOKEN_ERROR_CODES without a forged token that causes it fails here.
    // auth_time and acrs are what a step-up login asked for, checked after the verifier (see
    // test/core/step-up.test.ts), not properties of a token alone.
    it('has a forged-token case for every IdTokenErrorCode but jwks_unavailable (a key-fetch failure, not a token) and the step-up codes auth_time and acrs', () => {
      const covered = new Set(cases.map((c) => c.code));
      const notTokenChecks = new Set(['jwks_unavailable', 'auth_time', 'acrs']);
      expect(
        ID_TOKEN_ERROR_CODES.filter((code) => !notTokenChecks.has(code) && !covered.has(code)),
        'codes without a case',
      ).to.deep.equal([]);
    });
  });

  describe('accepted', () => {
    it('a consumer token (consumer-bound key) under common', async () => {
      const c = claims(CONSUMER_TID);
      const out = await verify('common', await fx.sign(c, { key: fx.consumerKey }));
      expect(out).to.deep.equal(c);
    });

    it('a consumer token under consumers', async () => {
      const c = claims(CONSUMER_TID);
      expect(await verify('consumers', await fx.sign(c, { key: fx.consumerKey }))).to.deep.equal(c);
    });

    it('a consumer token under the consumer tenant GUID authority', async () => {
      const c = claims(CONSUMER_TID);
      expect(await verify(CONSUMER_TID, await fx.sign(c, { key: fx.consumerKey }))).to.deep.equal(
        c,
      );
    });

    it('a work token (templated key) under common', async () => {
      const c = claims(WORK_TID);
      expect(await verify('common', await fx.sign(c, { key: fx.templatedKey }))).to.deep.equal(c);
    });

    it('a work token under organizations', async () => {
      const c = claims(WORK_TID);
      expect(await verify('organizations', await fx.sign(c))).to.deep.equal(c);
    });

    it('a work token under its tenant GUID (any letter case in the configuration)', async () => {
      const c = claims(WORK_TID);
      expect(await verify(WORK_TID, await fx.sign(c))).to.deep.equal(c);
      expect(await verify(WORK_TID.toUpperCase(), await fx.sign(c))).to.deep.equal(c);
    });

    it('a token signed with the second templated key', async () => {
      const second = fx.keys.filter((k) => k.jwk.issuer === fx.templatedIssuer)[1];
      if (!second) throw new Error('need a second templated key');
      const c = claims(OTHER_TID);
      expect(await verify('common', await fx.sign(c, { key: second }))).to.deep.equal(c);
    });

    it('exp past but within the clock tolerance', async () => {
      const c = claims(WORK_TID, { iat: NOW - 3800, nbf: NOW - 3800, exp: NOW - TOLERANCE + 30 });
      expect(await verify('common', await fx.sign(c))).to.deep.equal(c);
    });

    it('nbf and iat ahead but within the clock tolerance', async () => {
      const c = claims(WORK_TID, { iat: NOW + TOLERANCE - 30, nbf: NOW + TOLERANCE - 30 });
      expect(await verify('common', await fx.sign(c))).to.deep.equal(c);
    });

    it('no nonce expected (refresh): a token without nonce', async () => {
      const c = without(claims(WORK_TID), 'nonce');
      expect(await verify('common', await fx.sign(c), { nonce: undefined })).to.deep.equal(c);
    });

    it('honours a clockTolerance of 0', async () => {
      const strict = fx.verifierFor({ clockTolerance: 0, now: () => NOW_MS }).verifier;
      await expectIdTokenError(
        strict.verify(await fx.sign(claims(WORK_TID, { exp: NOW - 1 })), { nonce: NONCE }),
        'expired',
      );
      await expectIdTokenError(
        strict.verify(await fx.sign(claims(WORK_TID, { nbf: NOW + 1 })), { nonce: NONCE }),
        'not_yet_valid',
      );
      const ok = claims(WORK_TID, { exp: NOW + 1, nbf: NOW, iat: NOW });
      expect(await strict.verify(await fx.sign(ok), { nonce: NONCE })).to.deep.equal(ok);
    });
  });
});
