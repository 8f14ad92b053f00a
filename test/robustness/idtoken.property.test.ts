/**
 * Property tests of the ID-token verifier: random mutations of a valid token (bytes flipped in any
 * segment, characters replaced, segments dropped/duplicated/reordered, payloads swapped between
 * tokens, claims changed and re-signed with the right or a wrong key) are never accepted, and every
 * rejection is an MicrosoftIdTokenError with a known code.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as jose from 'jose';
import { ID_TOKEN_ERROR_CODES, MicrosoftIdTokenError } from '../../lib/errors.js';
import type { IdTokenErrorCode } from '../../lib/errors.js';
import { JwksCache } from '../../lib/tokens/jwks.js';
import { IdTokenVerifier } from '../../lib/tokens/id-token.js';
import { DEFAULT_CLIENT, DEMO_USERS, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { timeSuite } from './suite-clock.js';

const RUNS = 400;
const NONCE = 'nonce-robustness-0123456789';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type Outcome = { accepted: true } | { accepted: false; code: IdTokenErrorCode };

describe('robustness: ID-token verifier under mutated tokens (fast-check)', function () {
  this.timeout(60_000);
  timeSuite();
  let emulator: Emulator;
  let verifier: IdTokenVerifier;
  let valid: string;
  let other: string;
  let baseClaims: Record<string, unknown>;
  let kid: string;
  let wrongKey: jose.CryptoKey;

  /** Verifies and classifies; anything but acceptance or an MicrosoftIdTokenError fails the property. */
  async function outcome(token: string, nonce: string | undefined = NONCE): Promise<Outcome> {
    try {
      await verifier.verify(token, { nonce });
      return { accepted: true };
    } catch (err) {
      if (!(err instanceof MicrosoftIdTokenError))
        throw new Error(`verify threw ${String(err)} instead of an MicrosoftIdTokenError`, {
          cause: err,
        });
      if (!ID_TOKEN_ERROR_CODES.includes(err.code))
        throw new Error(`unknown MicrosoftIdTokenError code ${String(err.code)}`, { cause: err });
      if (!err.message.startsWith(`ID token rejected (${err.code}): `) || err.message.length < 30)
        throw new Error(`unhelpful message ${err.message}`, { cause: err });
      return { accepted: false, code: err.code };
    }
  }

  async function rejected(token: string, allowed?: readonly IdTokenErrorCode[]): Promise<boolean> {
    const result = await outcome(token);
    if (result.accepted) throw new Error(`a mutated token was accepted: ${token.slice(0, 40)}…`);
    if (allowed !== undefined && !allowed.includes(result.code))
      throw new Error(`rejected with ${result.code}, expected one of ${allowed.join(', ')}`);
    return true;
  }

  function claimsFor(userKey: string, nonce = NONCE): Record<string, unknown> {
    const user = DEMO_USERS.find((u) => u.key === userKey);
    if (user === undefined) throw new Error(`no demo user ${userKey}`);
    const now = Math.floor(Date.now() / 1000);
    return {
      ver: '2.0',
      iss: emulator.issuer(user.tid),
      sub: `sub-${user.key}`,
      aud: DEFAULT_CLIENT.clientID,
      exp: now + 3600,
      iat: now,
      nbf: now,
      tid: user.tid,
      oid: user.oid,
      name: user.displayName,
      preferred_username: user.preferredUsername,
      nonce,
    };
  }

  before(async () => {
    emulator = await startEmulator();
    const jwks = new JwksCache({
      url: `${emulator.authority('common')}/discovery/v2.0/keys`,
      timeout: 2000,
    });
    verifier = new IdTokenVerifier({
      clientID: DEFAULT_CLIENT.clientID,
      tenantKind: 'common',
      tenant: 'common',
      issuerBase: emulator.url,
      clockTolerance: 300,
      jwks,
    });
    baseClaims = claimsFor('work');
    valid = await emulator.signIdToken(baseClaims);
    other = await emulator.signIdToken(claimsFor('guest', 'another-nonce-value'));
    kid = String(jose.decodeProtectedHeader(valid).kid);
    const pair = await jose.generateKeyPair('RS256', { modulusLength: 2048 });
    wrongKey = pair.privateKey;
    // The unmutated tokens are accepted: the properties below test mutations, not a broken setup.
    expect(await outcome(valid)).to.deep.equal({ accepted: true });
    expect(await outcome(other, 'another-nonce-value')).to.deep.equal({ accepted: true });
  });

  after(async () => {
    await emulator.close();
  });

  it('never accepts a token with a byte flipped in the decoded header, payload or signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (segment, at, mask) => {
          const parts = valid.split('.');
          const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
          const i = at % bytes.length;
          bytes[i] = (bytes[i] ?? 0) ^ mask;
          parts[segment] = bytes.toString('base64url');
          return rejected(parts.join('.'));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never accepts a token with characters of the compact form replaced', async () => {
    // Every position counts, the last one too: its unused padding bits must stay zero (one token,
    // one spelling).
    const lastSignificant = valid.length - 1;
    const alphabet = fc.oneof(
      fc.constantFrom(...B64URL),
      fc.constantFrom('.', '=', '+', '/', ' ', '\n', '%', '\u00e9', '\u0000'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(lastSignificant), alphabet), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          const chars = [...valid];
          for (const [at, ch] of edits) chars[at] = ch;
          const token = chars.join('');
          fc.pre(token !== valid);
          return rejected(token);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never accepts characters inserted anywhere (whitespace, padding, base64url)', async () => {
    const insert = fc.oneof(
      fc.constantFrom(' ', '\n', '\t', '=', '==', '.', '+'),
      fc.string({ unit: fc.constantFrom(...B64URL), minLength: 1, maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(valid.length), insert, async (at, text) =>
        rejected(valid.slice(0, at) + text + valid.slice(at)),
      ),
      { numRuns: RUNS },
    );
  });

  it('never accepts segments dropped, duplicated, emptied, reordered or truncated', async () => {
    const shapes = fc.oneof(
      fc
        .shuffledSubarray([0, 1, 2], { minLength: 0, maxLength: 2 })
        .map((keep) => ({ kind: 'drop' as const, keep })),
      fc
        .array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 6 })
        .map((order) => ({ kind: 'order' as const, order })),
      fc.integer({ min: 0, max: 2 }).map((empty) => ({ kind: 'empty' as const, empty })),
      fc
        .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 40 }))
        .map(([segment, cut]) => ({ kind: 'cut' as const, segment, cut })),
      fc.string({ maxLength: 12 }).map((tail) => ({ kind: 'append' as const, tail })),
    );
    await fc.assert(
      fc.asyncProperty(shapes, async (shape) => {
        const parts = valid.split('.');
        let token: string;
        switch (shape.kind) {
          case 'drop':
            token = shape.keep.map((i) => parts[i] ?? '').join('.');
            break;
          case 'order':
            token = shape.order.map((i) => parts[i] ?? '').join('.');
            break;
          case 'empty':
            token = parts.map((p, i) => (i === shape.empty ? '' : p)).join('.');
            break;
          case 'cut':
            token = parts
              .map((p, i) =>
                i === shape.segment ? p.slice(0, Math.max(0, p.length - shape.cut)) : p,
              )
              .join('.');
            break;
          case 'append':
            token = valid + shape.tail;
            break;
        }
        fc.pre(token !== valid);
        return rejected(token);
      }),
      { numRuns: RUNS },
    );
  });

  it('never accepts a payload swapped in from another valid token', async () => {
    const [h1, p1, s1] = valid.split('.');
    const [h2, p2, s2] = other.split('.');
    expect(await rejected(`${h1}.${p2}.${s1}`, ['signature'])).to.equal(true);
    expect(await rejected(`${h2}.${p1}.${s2}`, ['signature'])).to.equal(true);
    expect(await rejected(`${h1}.${p1}.${s2}`, ['signature'])).to.equal(true);
  });

  it('never accepts claims re-signed with a wrong key under the published kid', async () => {
    const claimValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sub', 'oid', 'tid', 'name', 'nonce', 'aud', 'exp'),
        claimValue,
        async (claim, value) => {
          const token = await new jose.SignJWT({ ...baseClaims, [claim]: value })
            .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
            .sign(wrongKey);
          return rejected(token);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects each security-relevant claim changed and re-signed with the right key, with the matching code', async () => {
    const now = Math.floor(Date.now() / 1000);
    const mutation = fc.oneof(
      fc
        .string({ maxLength: 40 })
        .filter((s) => s !== DEFAULT_CLIENT.clientID)
        .map((aud) => ({ change: { aud }, codes: ['audience', 'claims'] as IdTokenErrorCode[] })),
      fc.string({ maxLength: 40 }).map((s) => ({
        change: { aud: [DEFAULT_CLIENT.clientID, s] },
        codes: ['audience'] as IdTokenErrorCode[],
      })),
      fc
        .string({ maxLength: 60 })
        .filter((s) => s !== baseClaims['iss'])
        .map((iss) => ({ change: { iss }, codes: ['issuer', 'claims'] as IdTokenErrorCode[] })),
      fc
        .uuid()
        .map((tid) => ({ change: { tid }, codes: ['issuer', 'tenant'] as IdTokenErrorCode[] })),
      fc
        .integer({ min: 301, max: 10_000_000 })
        .map((ago) => ({ change: { exp: now - ago }, codes: ['expired'] as IdTokenErrorCode[] })),
      fc.integer({ min: 400, max: 10_000_000 }).map((ahead) => ({
        change: { nbf: now + ahead },
        codes: ['not_yet_valid'] as IdTokenErrorCode[],
      })),
      fc.integer({ min: 400, max: 10_000_000 }).map((ahead) => ({
        change: { iat: now + ahead, nbf: now },
        codes: ['not_yet_valid'] as IdTokenErrorCode[],
      })),
      fc
        .string({ maxLength: 30 })
        .filter((s) => s !== NONCE)
        .map((nonce) => ({ change: { nonce }, codes: ['nonce'] as IdTokenErrorCode[] })),
      fc.constantFrom('iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'tid').map((drop) => ({
        change: { [drop]: undefined },
        codes: ['claims', 'issuer', 'nonce', 'audience'] as IdTokenErrorCode[],
      })),
      fc
        .oneof(fc.string(), fc.boolean(), fc.constant(null))
        .map((exp) => ({ change: { exp }, codes: ['claims', 'expired'] as IdTokenErrorCode[] })),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ({ change, codes }) => {
        const claims: Record<string, unknown> = { ...baseClaims, ...change };
        for (const [k, v] of Object.entries(change)) if (v === undefined) delete claims[k];
        return rejected(await emulator.signIdToken(claims), codes);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects forged algorithms (none, HS256 with the public key) and unknown kids', async () => {
    expect(
      await rejected(await emulator.signIdToken(baseClaims, { alg: 'none' }), [
        'algorithm',
        'malformed',
      ]),
    ).to.equal(true);
    expect(
      await rejected(await emulator.signIdToken(baseClaims, { alg: 'HS256' }), ['algorithm']),
    ).to.equal(true);
    expect(
      await rejected(await emulator.signIdToken(baseClaims, { kid: 'not-a-published-kid' }), [
        'key_not_found',
      ]),
    ).to.equal(true);
  });
});
