/**
 * The JWT reader is strict about JSON: a header or payload that repeats a member
 * name, or holds a number that is not finite, is `malformed` even when correctly signed.
 */
import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { signingKeyFromJwk } from '../../lib/tokens/jwks.js';
import { verifyJwt } from '../../lib/tokens/jwt.js';
import { parseStrictJson } from '../../lib/tokens/strict-json.js';
import { expectIdTokenError } from '../helpers/errors.js';

const CLIENT = '6cb04018-a3f5-46a7-b995-940c78f5aef3';
const NOW = Math.floor(Date.UTC(2026, 0, 15, 12, 0, 0) / 1000);
const KID = 'kid-strict';
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = signingKeyFromJwk(KID, pair.publicKey.export({ format: 'jwk' }));

const HEADER = `{"alg":"RS256","kid":"${KID}","typ":"JWT"}`;
const CLAIMS = `"iss":"https://login.microsoftonline.com/common/v2.0","sub":"s","aud":"${CLIENT}","iat":${NOW - 60}`;

/** A correctly signed token whose header and payload are exactly these JSON texts. */
function signed(headerJson: string, payloadJson: string): string {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), pair.privateKey).toString('base64url')}`;
}

function verify(token: string): Promise<unknown> {
  return verifyJwt(token, (kid) => (kid === KID ? key : undefined), {
    audience: CLIENT,
    clockTolerance: 300,
    now: () => NOW * 1000,
  });
}

describe('JWT reader: strict JSON', () => {
  it('accepts the same token written without repeats (the control)', async () => {
    const verified = await verify(signed(HEADER, `{${CLAIMS},"exp":${NOW + 3600}}`));
    expect(verified).to.have.nested.property('payload.exp', NOW + 3600);
  });

  it('refuses a payload that repeats exp (an expired one, then a fresh one) as malformed', async () => {
    const err = await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":${NOW - 86_400},"exp":${NOW + 3600}}`)),
      'malformed',
    );
    expect(err.message).to.include('"exp" appears twice');
  });

  it('refuses a repeat spelled with an escape ("aud" and "\\u0061ud")', async () => {
    await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":${NOW + 3600},"\\u0061ud":"other-app"}`)),
      'malformed',
    );
  });

  it('refuses a repeat inside a nested object of the payload', async () => {
    await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":${NOW + 3600},"x":{"a":1,"a":2}}`)),
      'malformed',
    );
  });

  it('refuses a header that repeats alg as malformed', async () => {
    const err = await expectIdTokenError(
      verify(signed(`{"alg":"none","alg":"RS256","kid":"${KID}"}`, `{${CLAIMS},"exp":${NOW}}`)),
      'malformed',
    );
    expect(err.message).to.include('header');
  });

  it('refuses exp: 1e400 (read as Infinity, a token that never expires) as malformed', async () => {
    const err = await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":1e400}`)),
      'malformed',
    );
    expect(err.message).to.include('"exp" holds a number that is not finite');
  });

  it('refuses nbf: -1e400 and a non-finite number in any other claim as malformed', async () => {
    await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":${NOW + 3600},"nbf":-1e400}`)),
      'malformed',
    );
    await expectIdTokenError(
      verify(signed(HEADER, `{${CLAIMS},"exp":${NOW + 3600},"n":[1,2e308]}`)),
      'malformed',
    );
  });

  it('the same name in sibling objects of an array is no repeat', () => {
    expect(parseStrictJson('[{"a":1},{"a":2}]')).to.deep.equal({
      ok: true,
      value: [{ a: 1 }, { a: 2 }],
    });
    expect(parseStrictJson('{"a":{"a":{"a":1}},"b":"\\"a\\":"}')).to.have.property('ok', true);
    expect(parseStrictJson('{"a":[1,{"b":2}],"a":3}')).to.deep.equal({
      ok: false,
      reason: 'the member name "a" appears twice in one object',
    });
  });
});
