/**
 * Key sets whose keys have no kid, and keys of types the verifier cannot use,
 * in the shape of the OpenID Foundation's RP tests: the OP publishes one RSA signing key next to EC
 * and OKP keys (rp-id_token-kid-absent-single-jwks), or several RSA keys
 * (rp-id_token-kid-absent-multiple-jwks), and keys of unknown types must not break the set.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { expectIdTokenError } from '../helpers/errors.js';
import { CLIENT_ID, WORK_TID, epoch, startFixture } from './fixture-server.js';
import type { FixtureKey, IdpFixture } from './fixture-server.js';

const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
const NOW = epoch(NOW_MS);

/** Public JWKs of other types, each with a kid and `use: sig`, as an OP publishes them. */
function otherTypeKeys(): Record<string, unknown>[] {
  const publicJwk = (pair: { publicKey: { export(o: { format: 'jwk' }): object } }) =>
    pair.publicKey.export({ format: 'jwk' });
  return [
    {
      ...publicJwk(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
      kid: 'ec-p256',
      use: 'sig',
      alg: 'ES256',
    },
    { ...publicJwk(generateKeyPairSync('ec', { namedCurve: 'P-384' })), use: 'sig' },
    { ...publicJwk(generateKeyPairSync('ed25519')), kid: 'okp-ed25519', use: 'sig', alg: 'EdDSA' },
  ];
}

/** Keys this verifier cannot use, of unsupported and unknown types, and entries that are no keys. */
function unusableEntries(): unknown[] {
  return [
    {
      ...generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
      kid: 'k1',
      alg: 'ES256K',
    },
    { ...generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' }), kid: 'ed448' },
    { kty: 'AKP', alg: 'ML-DSA-65', kid: 'ml-dsa', pub: 'AAAA' },
    { kty: 'made-up', kid: 'nonsense', x: 1 },
    { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
    { kty: 'RSA', kid: 'no-modulus', e: 'AQAB' },
    { kty: 'RSA', kid: 7, n: 'AQAB', e: 'AQAB' },
    null,
    'a string',
    42,
    [],
  ];
}

describe('Key sets whose keys have no kid, next to keys of other types', () => {
  let fx: IdpFixture;
  let jwksServer: http.Server;
  let jwksURL: string;
  /** The entries the key set endpoint publishes, in order. */
  let published: unknown[] = [];

  before(async () => {
    fx = await startFixture();
    jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksURL = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`;
  });
  after(async () => {
    await fx.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  const claims = (): Record<string, unknown> => ({
    ver: '2.0',
    iss: fx.issuer(WORK_TID),
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    aud: CLIENT_ID,
    exp: NOW + 3600,
    iat: NOW - 60,
    tid: WORK_TID,
  });

  const verify = (token: string): Promise<unknown> =>
    fx.verifierFor({ now: () => NOW_MS, jwksURL }).verifier.verify(token, { nonce: undefined });

  const sign = (key: FixtureKey, kid?: string): Promise<string> =>
    new jose.SignJWT(claims())
      .setProtectedHeader(kid === undefined ? { alg: 'RS256' } : { alg: 'RS256', kid })
      .sign(key.privateKey);

  /** The key's JWK as published without its kid. */
  function withoutKid(key: FixtureKey): Record<string, unknown> {
    const { kid: _kid, ...rest } = key.jwk;
    return rest;
  }

  it('rp-id_token-kid-absent-single-jwks: one RSA key without kid next to EC and OKP keys verifies a token without kid', async () => {
    const rsa = await fx.makeKey(fx.templatedIssuer);
    published = [...otherTypeKeys(), withoutKid(rsa)];
    expect(await verify(await sign(rsa))).to.deep.equal(claims());
  });

  it('an RSA encryption key and an RS384 key do not count: the one RS256 signing key verifies', async () => {
    const rsa = await fx.makeKey(fx.templatedIssuer);
    const enc = await fx.makeKey(fx.templatedIssuer);
    const rs384 = await fx.makeKey(fx.templatedIssuer);
    published = [
      { ...withoutKid(enc), use: 'enc' },
      { ...withoutKid(rs384), alg: 'RS384' },
      { ...withoutKid(enc), key_ops: ['encrypt'] },
      withoutKid(rsa),
      ...otherTypeKeys(),
    ];
    expect(await verify(await sign(rsa))).to.deep.equal(claims());
    // The skipped keys verify nothing, even the right signature.
    await expectIdTokenError(verify(await sign(rs384)), 'signature');
  });

  it('rp-id_token-kid-absent-multiple-jwks: several RSA keys without kid refuse a token without kid (key_not_found)', async () => {
    const first = await fx.makeKey(fx.templatedIssuer);
    const second = await fx.makeKey(fx.templatedIssuer);
    published = [withoutKid(first), withoutKid(second), ...otherTypeKeys()];
    const err = await expectIdTokenError(verify(await sign(first)), 'key_not_found');
    expect(err.message).to.include('no kid');
  });

  it('an RSA key with kid and one without: a token without kid is refused (key_not_found)', async () => {
    const named = await fx.makeKey(fx.templatedIssuer);
    const unnamed = await fx.makeKey(fx.templatedIssuer);
    published = [named.jwk, withoutKid(unnamed)];
    await expectIdTokenError(verify(await sign(unnamed)), 'key_not_found');
    await expectIdTokenError(verify(await sign(named)), 'key_not_found');
    // A token naming the kid still finds its key.
    expect(await verify(await sign(named, named.kid))).to.deep.equal(claims());
  });

  it('a token with a kid is not matched to the only RSA key when that key has none (key_not_found)', async () => {
    const rsa = await fx.makeKey(fx.templatedIssuer);
    published = [withoutKid(rsa)];
    await expectIdTokenError(verify(await sign(rsa, rsa.kid)), 'key_not_found');
  });

  it('keys of unsupported and unknown types (secp256k1, Ed448, ML-DSA, a made-up kty) are skipped, never fatal', async () => {
    const rsa = await fx.makeKey(fx.templatedIssuer);
    published = [...unusableEntries(), rsa.jwk, ...unusableEntries()];
    expect(await verify(await sign(rsa, rsa.kid))).to.deep.equal(claims());
    // The only usable key also serves a token without kid.
    expect(await verify(await sign(rsa))).to.deep.equal(claims());
  });

  it('a set of unusable keys only is unavailable (jwks_unavailable), not a crash', async () => {
    const rsa = await fx.makeKey(fx.templatedIssuer);
    published = [...unusableEntries(), ...otherTypeKeys()];
    await expectIdTokenError(verify(await sign(rsa, rsa.kid)), 'jwks_unavailable');
  });
});
