/**
 * Signing-key cache: rotation, refetch cooldown (no storms), last-good keys on failure, and one
 * shared fetch for concurrent verifications on a cold cache.
 */
import { expect } from 'chai';
import { createContext } from '../../lib/core/context.js';
import { resolveConfig } from '../../lib/core/settings.js';
import type { JwksCache } from '../../lib/tokens/jwks.js';
import type { IdTokenVerifier } from '../../lib/tokens/id-token.js';
import { expectIdTokenError } from '../helpers/errors.js';
import { CLIENT_ID, CONSUMER_TID, WORK_TID, epoch, startFixture } from './fixture-server.js';
import type { FixtureKey, IdpFixture } from './fixture-server.js';

const COOLDOWN_MS = 5 * 60_000;
const MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * Setup guard: the fixture serves Microsoft-shaped keys (two templated, one consumer-bound, each
 * with its own issuer and no alg), which the tests below rely on. Throws otherwise.
 */
function assertMicrosoftShapedKeys(fx: IdpFixture): void {
  const { keys } = fx.jwksDocument();
  const issuers = keys.map((k) => k.issuer);
  const expected = [fx.templatedIssuer, fx.templatedIssuer, `${fx.origin}/${CONSUMER_TID}/v2.0`];
  if (JSON.stringify(issuers) !== JSON.stringify(expected))
    throw new Error(
      `setup: fixture key issuers ${JSON.stringify(issuers)}, expected ${JSON.stringify(expected)}`,
    );
  for (const k of keys) {
    if ('alg' in k || k.kty !== 'RSA' || k.use !== 'sig')
      throw new Error(
        `setup: fixture key ${String(k.kid)} is not a Microsoft-shaped RSA signing key without alg`,
      );
  }
}

describe('ID token verifier: signing-key cache and rotation', () => {
  let fx: IdpFixture;
  /** Shared clock (ms) of the cache and the verifier. */
  let clock: number;
  let jwks: JwksCache;
  let verifier: IdTokenVerifier;

  beforeEach(async () => {
    fx = await startFixture();
    assertMicrosoftShapedKeys(fx);
    clock = Date.UTC(2026, 0, 15, 12, 0, 0);
    ({ jwks, verifier } = fx.verifierFor({ now: () => clock }));
  });
  afterEach(async () => {
    await fx.close();
  });

  function token(options: { key?: FixtureKey; kid?: string } = {}): Promise<string> {
    const now = epoch(clock);
    return fx.sign(
      {
        ver: '2.0',
        iss: fx.issuer(WORK_TID),
        sub: 's',
        aud: CLIENT_ID,
        tid: WORK_TID,
        oid: '5b1c2f1e-8f0a-4c55-9c31-1f3c1a2b3d4e',
        iat: now,
        nbf: now,
        exp: now + 3600,
      },
      options,
    );
  }

  function check(t: string): Promise<unknown> {
    return verifier.verify(t, { nonce: undefined });
  }

  /** Tokens with kids the JWKS has never had. */
  async function unknownKidTokens(n: number): Promise<string[]> {
    const stranger = await fx.makeKey(fx.templatedIssuer);
    return Promise.all(
      Array.from({ length: n }, (_, i) => token({ key: stranger, kid: `unknown-kid-${i}` })),
    );
  }

  it('reuses the key set across verifications (one fetch)', async () => {
    for (let i = 0; i < 5; i++) await check(await token());
    expect(fx.count('jwks')).to.equal(1);
    expect(jwks.fetchCount).to.equal(1);
  });

  it('a new kid appears → exactly one refetch, then success', async () => {
    await check(await token());
    expect(fx.count('jwks')).to.equal(1);
    const fresh = await fx.rotate();
    clock += 1000;
    const claims = await check(await token({ key: fresh }));
    expect(claims).to.include({ tid: WORK_TID });
    expect(fx.count('jwks')).to.equal(2);
    // The new key is cached now: more logins with it fetch nothing.
    await check(await token({ key: fresh }));
    await check(await token());
    expect(fx.count('jwks')).to.equal(2);
    expect(jwks.fetchCount).to.equal(2);
  });

  it('a key removed by a rotation stops verifying once the set is refetched', async () => {
    const old = fx.templatedKey;
    await check(await token({ key: old }));
    const fresh = await fx.rotate(true);
    await check(await token({ key: fresh }));
    expect(fx.count('jwks')).to.equal(2);
    await expectIdTokenError(check(await token({ key: old })), 'key_not_found');
    // Inside the cooldown the removed kid causes no further fetch.
    expect(fx.count('jwks')).to.equal(2);
  });

  it('re-binds a cached key when the refetched set gives the same key another issuer (regression: the old binding was kept)', async () => {
    const key = fx.templatedKey;
    await check(await token({ key }));
    // Same key material and kid, now bound to the consumer tenant only.
    fx.unpublish(key.kid);
    fx.publish({
      ...key,
      jwk: { ...key.jwk, issuer: `${fx.origin}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0` },
    });
    clock += MAX_AGE_MS + 1;
    await expectIdTokenError(check(await token({ key })), 'issuer');
    expect(fx.count('jwks')).to.equal(2);
  });

  it('a set older than 24 hours is refreshed on the next use (rotation without any unknown kid)', async () => {
    const old = fx.templatedKey;
    await check(await token({ key: old }));
    const fresh = await fx.rotate(true);
    clock += MAX_AGE_MS - 1;
    await check(await token({ key: old }));
    expect(fx.count('jwks')).to.equal(1);
    clock += 2;
    await check(await token({ key: fresh }));
    expect(fx.count('jwks')).to.equal(2);
    await expectIdTokenError(check(await token({ key: old })), 'key_not_found');
  });

  it('a burst of 20 unknown kids within the cooldown → at most one refetch (concurrent and sequential)', async () => {
    await check(await token());
    expect(fx.count('jwks')).to.equal(1);
    const forged = await unknownKidTokens(20);
    await Promise.all(forged.map((t) => expectIdTokenError(check(t), 'key_not_found')));
    expect(fx.count('jwks')).to.be.at.most(2);
    for (const t of forged) {
      clock += 10_000; // 200 s in all: still inside the cooldown
      await expectIdTokenError(check(t), 'key_not_found');
    }
    expect(fx.count('jwks')).to.equal(2);
    // Known keys keep working throughout.
    await check(await token());
    expect(fx.count('jwks')).to.equal(2);
  });

  it('the jwksMaxAge option sets how old a key set may get before the next use refetches it', async () => {
    const config = resolveConfig({
      clientID: CLIENT_ID,
      clientSecret: 'secret',
      callbackURL: 'http://127.0.0.1/cb',
      authority: fx.authority('common'),
      jwksMaxAge: 600,
    });
    const { keys } = createContext(config, {}, { clock: () => clock });
    const kid = fx.templatedKey.kid;
    expect(await keys.get(kid)).to.not.equal(undefined);
    clock += 600_000 - 1;
    await keys.get(kid);
    expect(fx.count('jwks')).to.equal(1);
    clock += 2;
    await keys.get(kid);
    expect(fx.count('jwks')).to.equal(2);
  });

  it('after the cooldown an unknown kid refetches again (not before)', async () => {
    await check(await token());
    const [first, second, third] = await unknownKidTokens(3);
    await expectIdTokenError(check(first ?? ''), 'key_not_found');
    expect(fx.count('jwks')).to.equal(2);
    clock += COOLDOWN_MS - 1;
    await expectIdTokenError(check(second ?? ''), 'key_not_found');
    expect(fx.count('jwks')).to.equal(2);
    clock += 1;
    await expectIdTokenError(check(third ?? ''), 'key_not_found');
    expect(fx.count('jwks')).to.equal(3);
    // A key published during the cooldown is found by the next allowed refetch.
    const fresh = await fx.rotate();
    clock += COOLDOWN_MS;
    await check(await token({ key: fresh }));
    expect(fx.count('jwks')).to.equal(4);
  });

  it('the JWKS endpoint failing after a good load → the last good keys still verify', async () => {
    await check(await token());
    fx.jwksFailure = 503;
    // An unknown kid triggers a refetch, which fails: the kid is simply not found.
    const [forged] = await unknownKidTokens(1);
    await expectIdTokenError(check(forged ?? ''), 'key_not_found');
    expect(fx.count('jwks')).to.equal(2);
    await check(await token());
    // The set goes stale (24 h): the refresh fails and the last good keys are kept.
    clock += MAX_AGE_MS + 1;
    await check(await token());
    expect(fx.count('jwks')).to.equal(3);
    // While it keeps failing, logins do not each hit the endpoint again.
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      await check(await token());
    }
    expect(fx.count('jwks')).to.equal(3);
    // The endpoint recovers: after the cooldown the stale set is refreshed, with the new key.
    fx.jwksFailure = undefined;
    const fresh = await fx.rotate();
    clock += COOLDOWN_MS;
    await check(await token({ key: fresh }));
    expect(fx.count('jwks')).to.equal(4);
    clock += 1000;
    await check(await token({ key: fresh }));
    expect(fx.count('jwks')).to.equal(4);
  });

  it('the first load failing → MicrosoftIdTokenError jwks_unavailable, and a later login retries', async () => {
    fx.jwksFailure = 500;
    const t = await token();
    await expectIdTokenError(check(t), 'jwks_unavailable');
    expect(fx.count('jwks')).to.equal(1);
    fx.jwksFailure = undefined;
    await check(t);
    expect(fx.count('jwks')).to.equal(2);
  });

  it('a JWKS endpoint that is unreachable → jwks_unavailable', async () => {
    const closed = await startFixture();
    const url = closed.jwksURL('common');
    await closed.close();
    const dead = fx.verifierFor({ jwksURL: url, now: () => clock }).verifier;
    await expectIdTokenError(dead.verify(await token(), { nonce: undefined }), 'jwks_unavailable');
  });

  it('100 concurrent verifications on a cold cache → exactly 1 JWKS request', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => token({ key: fx.keys[i % 2] ?? fx.templatedKey })),
    );
    const results = await Promise.all(tokens.map((t) => check(t)));
    expect(results).to.have.length(100);
    expect(fx.count('jwks')).to.equal(1);
    expect(jwks.fetchCount).to.equal(1);
  });

  it('100 concurrent verifications of a just-rotated kid → exactly 1 refetch', async () => {
    await check(await token());
    const fresh = await fx.rotate();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => token({ key: fresh })));
    await Promise.all(tokens.map((t) => check(t)));
    expect(fx.count('jwks')).to.equal(2);
  });
});
