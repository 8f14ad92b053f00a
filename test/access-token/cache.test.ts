/**
 * The verifier's cache of verified tokens: a repeated token is not verified again (the same frozen
 * object comes back), but its times are re-checked against the clock, its key must still be in
 * the key set, the policy is applied on every call, and the cache holds at most `cacheSize`.
 */
import { expect } from 'chai';
import { MicrosoftAccessTokenError } from '../../lib/errors.js';
import { VerifiedTokenCache, tokenHash } from '../../lib/core/access-token/cache.js';
import {
  NOW,
  NOW_MS,
  OTHER_TID,
  appV2,
  signToken,
  startAuthority,
  userV2,
  testVerifier,
} from './fixture.js';
import type { AuthorityFixture, VerifierOverrides } from './fixture.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(MicrosoftAccessTokenError);
    return (err as MicrosoftAccessTokenError).code;
  }
  return 'accepted';
}

describe('MicrosoftAccessTokenVerifier: the cache of verified tokens', () => {
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
  });

  it('hands back the same frozen token for a repeated token, without verifying it again', async () => {
    const v = make();
    const token = signToken(userV2(f), f.keys.templated);
    const first = await v.verify(token);
    const second = await v.verify(token);
    expect(second).to.equal(first);
    expect(
      Object.isFrozen(second) && Object.isFrozen(second.claims) && Object.isFrozen(second.roles),
    ).to.equal(true);
    expect(Reflect.set(second, 'kind', 'app')).to.equal(false);
    expect((await v.verify(token)).kind).to.equal('user');
  });

  it('verifies again once cacheSize is off (0)', async () => {
    const v = make({ cacheSize: 0 });
    const token = signToken(userV2(f), f.keys.templated);
    expect(await v.verify(token)).not.to.equal(await v.verify(token));
  });

  it('honours exp on a hit: a cached token expires with the clock', async () => {
    const v = make({ clockTolerance: 0 });
    const token = signToken(userV2(f, { exp: NOW + 60 }), f.keys.templated);
    await v.verify(token);
    clock = (NOW + 60) * 1000;
    expect(await codeOf(v.verify(token))).to.equal('expired');
  });

  it('honours nbf and iat on a hit when the clock goes back', async () => {
    const v = make({ clockTolerance: 0 });
    const token = signToken(userV2(f, { nbf: NOW, iat: NOW }), f.keys.templated);
    await v.verify(token);
    clock = (NOW - 10) * 1000;
    expect(await codeOf(v.verify(token))).to.equal('not_yet_valid');
  });

  it('drops the tokens of a key that leaves the key set', async () => {
    const v = make();
    const token = signToken(userV2(f), f.keys.templated);
    await v.verify(token);
    // The key rotates out; a token with a new kid makes the verifier refetch the set.
    f.v2Keys = [f.keys.shared];
    expect(await codeOf(v.verify(signToken(userV2(f), f.keys.shared)))).to.equal('accepted');
    expect(await codeOf(v.verify(token))).to.equal('key_not_found');
  });

  it('applies per-call scopes and appPermissions on every hit', async () => {
    const v = make();
    const user = signToken(userV2(f, { scp: 'Notes.Read' }), f.keys.templated);
    expect(await codeOf(v.verify(user, { scopes: ['Notes.Read'] }))).to.equal('accepted');
    expect(await codeOf(v.verify(user, { scopes: ['Notes.Write'] }))).to.equal(
      'insufficient_scope',
    );
    const app = signToken(appV2(f), f.keys.templated);
    expect(await codeOf(v.verify(app))).to.equal('accepted');
    expect(await codeOf(v.verify(app, { appPermissions: ['Notes.Write.All'] }))).to.equal(
      'insufficient_scope',
    );
  });

  it('applies allowedClientApps on every hit', async () => {
    const v = make({ allowedClientApps: ['f0000000-0000-0000-0000-000000000000'] });
    const token = signToken(userV2(f), f.keys.templated);
    expect(await codeOf(v.verify(token))).to.equal('client_app');
    expect(await codeOf(v.verify(token))).to.equal('client_app');
  });

  it('asks an allowedTenants function on every hit', async () => {
    let allowed = true;
    let asked = 0;
    const v = make({
      authority: `${f.url}/common`,
      allowedTenants: () => {
        asked += 1;
        return allowed;
      },
    });
    const token = signToken(
      userV2(f, { tid: OTHER_TID, iss: f.v2Iss(OTHER_TID) }),
      f.keys.templated,
    );
    expect(await codeOf(v.verify(token))).to.equal('accepted');
    allowed = false;
    expect(await codeOf(v.verify(token))).to.equal('tenant');
    expect(asked).to.equal(2);
  });

  it('keeps at most cacheSize tokens, the least recently used leaving first', async () => {
    const v = make({ cacheSize: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((jti) =>
      signToken(userV2(f, { jti }), f.keys.templated),
    ) as [string, string, string];
    const first = await v.verify(a);
    const second = await v.verify(b);
    expect(await v.verify(a)).to.equal(first);
    await v.verify(c);
    expect(await v.verify(a)).to.equal(first);
    expect(await v.verify(b)).not.to.equal(second);
  });

  it('stays bounded after ten times its bound in distinct tokens', () => {
    const cache = new VerifiedTokenCache<object>(100);
    const keys = { peek: () => ({}) };
    for (let i = 0; i < 1000; i += 1)
      cache.set(tokenHash(`token-${i}`), {
        token: {} as never,
        exp: NOW + 60,
        iat: NOW,
        nbf: undefined,
        kid: 'k',
        key: {},
        keys,
      });
    expect(cache.size).to.be.at.most(100);
    expect(cache.size).to.be.at.least(50);
  });

  it('keys entries by a SHA-256 of the token, never the token', () => {
    const key = tokenHash('header.payload.signature');
    expect(key).to.equal('JW0E205eSsMIdR7QiFtyK3WGMFZ8U6cSXtn70Gjlw/Y=');
    expect(key).not.to.contain('payload');
  });
});
