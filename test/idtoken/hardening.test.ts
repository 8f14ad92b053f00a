/**
 * ID-token hardening: a token without kid against a one-key set, the key-to-issuer
 * binding compared within the cloud the key set came from, and the audience message.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { MicrosoftIdTokenError } from '../../lib/errors.js';
import { rejectionOf } from '../helpers/errors.js';
import { CLIENT_ID, CONSUMER_TID, WORK_TID, epoch, startFixture } from './fixture-server.js';
import type { FixtureKey, IdpFixture } from './fixture-server.js';

const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
const NOW = epoch(NOW_MS);

describe('ID token hardening: kid-less tokens, cloud-relative key binding, audience', () => {
  let fx: IdpFixture;
  let jwksServer: http.Server;
  let jwksURL: string;
  /** The keys the one-off JWKS endpoint publishes. */
  let published: FixtureKey[] = [];

  before(async () => {
    fx = await startFixture();
    jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksURL = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`;
  });
  after(async () => {
    await fx.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  function claims(tid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ver: '2.0',
      iss: fx.issuer(tid),
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      aud: CLIENT_ID,
      exp: NOW + 3600,
      iat: NOW - 60,
      nbf: NOW - 60,
      tid,
      ...extra,
    };
  }

  function verify(token: string, tenant = 'common'): Promise<unknown> {
    return fx
      .verifierFor({ tenant, now: () => NOW_MS, jwksURL })
      .verifier.verify(token, { nonce: undefined });
  }

  function signWithoutKid(key: FixtureKey, body: Record<string, unknown>): Promise<string> {
    return new jose.SignJWT(body).setProtectedHeader({ alg: 'RS256' }).sign(key.privateKey);
  }

  describe('a token without kid', () => {
    it('is accepted when the key set holds exactly one RSA key', async () => {
      const only = await fx.makeKey(fx.templatedIssuer);
      published = [only];
      const c = claims(WORK_TID);
      expect(await verify(await signWithoutKid(only, c))).to.deep.equal(c);
    });

    it('is refused with key_not_found when the key set holds several keys', async () => {
      const first = await fx.makeKey(fx.templatedIssuer);
      published = [first, await fx.makeKey(fx.templatedIssuer)];
      const err = await rejectionOf(verify(await signWithoutKid(first, claims(WORK_TID))));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'key_not_found' });
    });

    it('signed by another key than the only one: signature', async () => {
      published = [await fx.makeKey(fx.templatedIssuer)];
      const stranger = await fx.makeKey(fx.templatedIssuer);
      const err = await rejectionOf(verify(await signWithoutKid(stranger, claims(WORK_TID))));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'signature' });
    });

    it('with an empty kid: key_not_found', async () => {
      const only = await fx.makeKey(fx.templatedIssuer);
      published = [only];
      const token = await new jose.SignJWT(claims(WORK_TID))
        .setProtectedHeader({ alg: 'RS256', kid: '' })
        .sign(only.privateKey);
      const err = await rejectionOf(verify(token));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'key_not_found' });
    });
  });

  describe('key-to-issuer binding within the cloud of the key set', () => {
    it('a templated key whose issuer names another cloud host still covers this cloud', async () => {
      const key = await fx.makeKey('https://login.microsoftonline.us/{tenantid}/v2.0');
      published = [key];
      const c = claims(WORK_TID);
      expect(await verify(await fx.sign(c, { key }))).to.deep.equal(c);
    });

    it('a consumer-bound key naming another cloud host still validates only consumer tokens', async () => {
      const key = await fx.makeKey(`https://login.microsoftonline.us/${CONSUMER_TID}/v2.0`);
      published = [key];
      const err = await rejectionOf(verify(await fx.sign(claims(WORK_TID), { key })));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'issuer' });
      const c = claims(CONSUMER_TID);
      expect(await verify(await fx.sign(c, { key }))).to.deep.equal(c);
    });

    it('the token iss itself must still be of this cloud', async () => {
      const key = await fx.makeKey(fx.templatedIssuer);
      published = [key];
      const c = claims(WORK_TID, { iss: `https://login.microsoftonline.us/${WORK_TID}/v2.0` });
      const err = await rejectionOf(verify(await fx.sign(c, { key })));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'issuer' });
    });
  });

  describe('audience matched case-sensitively', () => {
    it('stays case-sensitive, and the message says to write clientID as the portal shows it', async () => {
      const key = await fx.makeKey(fx.templatedIssuer);
      published = [key];
      const token = await fx.sign(claims(WORK_TID, { aud: CLIENT_ID.toUpperCase() }), { key });
      const err = await rejectionOf(verify(token));
      expect(err).to.be.instanceOf(MicrosoftIdTokenError).and.include({ code: 'audience' });
      expect((err as Error).message).to.include('exactly as the portal shows it');
    });
  });
});
