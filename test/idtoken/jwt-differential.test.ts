/**
 * Differential property test of the ID token's JOSE layer: the synchronous node:crypto verifier
 * (`verifyJwt`) against jose, the reference. Valid tokens are mutated (header and payload members,
 * alg, kid and typ, duplicate JSON keys, non-JSON and non-object segments, byte-order marks and bad
 * UTF-8, signature bytes, swapped and weak keys, non-canonical base64url, crit and key-carrying
 * header parameters, the clock) and both must reach the same verdict with the same MicrosoftIdTokenError
 * code, and the same claims when they accept.
 *
 * The reference is the sequence the verifier ran before it had its own JOSE code: jose's
 * `decodeProtectedHeader`, alg RS256, the key named by kid (or the set's only key when the token
 * names none), then jose's `jwtVerify` with the same options (errors mapped to codes as the
 * verifier mapped them), then the two checks the verifier always added (aud exactly this client,
 * iat not in the future). On top of jose the
 * new verifier refuses, by design and counted separately: a token not spelled in canonical
 * base64url (jose's decoder is lenient), a header carrying crit, b64, jku, jwk or x5u, a header or
 * payload that repeats a member name (jose's JSON.parse keeps the last one), and a header or
 * payload holding a number that is not finite (`exp: 1e400`, which JSON.parse reads as Infinity).
 *
 * RUNS (environment) sets the number of runs: 10,000 by default; `npm run fuzz:verifier` runs
 * 200,000 unless RUNS says otherwise. SEED replays a run.
 */
import { expect } from 'chai';
import { generateKeyPairSync, sign as rsaSign, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import * as jose from 'jose';
import { MicrosoftIdTokenError } from '../../lib/errors.js';
import type { IdTokenErrorCode } from '../../lib/errors.js';
import { signingKeyFromJwk } from '../../lib/tokens/jwks.js';
import type { SigningKey } from '../../lib/tokens/jwks.js';
import { verifyJwt } from '../../lib/tokens/jwt.js';

const RUNS = Number(process.env['RUNS'] ?? (process.env['FUZZ'] === '1' ? 200_000 : 10_000));
const SEED = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
const CLIENT = '6cb04018-a3f5-46a7-b995-940c78f5aef3';
const OTHER_APP = '00000003-0000-0000-c000-000000000000';
/** The verifier's clock, whole seconds; each run adds 0–999 ms. */
const NOW = Math.floor(Date.UTC(2026, 0, 15, 12, 0, 0) / 1000);
const REQUIRED = ['iss', 'sub', 'aud', 'exp', 'iat'];
const REFUSED_HEADER_PARAMETERS = ['crit', 'b64', 'jku', 'jwk', 'x5u'];

type Verdict =
  | { accepted: true; payload: Record<string, unknown> }
  | { accepted: false; code: IdTokenErrorCode };

/**
 * Keys: published under a kid (`a`; `b`, handed over as a WebCrypto key; a 1024-bit `weak`; a
 * P-256 `ec` handed over as a bare key object), or never published (`stranger`).
 */
type KeyName = 'a' | 'b' | 'weak' | 'ec' | 'stranger';
const KIDS: Record<Exclude<KeyName, 'stranger'>, string> = {
  a: 'kid-a-2048',
  b: 'kid-b-3072',
  weak: 'kid-weak-1024',
  ec: 'kid-ec-p256',
};

interface Keys {
  privateKeys: Record<KeyName, KeyObject>;
  /** What the new verifier looks keys up in (made the way the key cache makes them). */
  signing: Map<string, SigningKey>;
  /** What jose verifies with (imported by jose from the same JWKs). */
  reference: Map<string, jose.CryptoKey>;
}

async function makeKeys(): Promise<Keys> {
  const pair = (bits: number): { privateKey: KeyObject; publicKey: KeyObject } =>
    generateKeyPairSync('rsa', { modulusLength: bits });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pairs = { a: pair(2048), b: pair(3072), weak: pair(1024), ec, stranger: pair(2048) };
  const signing = new Map<string, SigningKey>();
  const reference = new Map<string, jose.CryptoKey>();
  for (const name of ['a', 'b', 'weak'] as const) {
    const jwk = pairs[name].publicKey.export({ format: 'jwk' });
    signing.set(KIDS[name], signingKeyFromJwk(KIDS[name], jwk));
    reference.set(
      KIDS[name],
      // jose types importJWK's result as CryptoKey | Uint8Array; an RSA JWK gives a CryptoKey.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      (await jose.importJWK(
        { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) },
        'RS256',
      )) as jose.CryptoKey,
    );
  }
  // A key source may hand over the WebCrypto key itself (here the very key jose verifies with).
  signing.set(KIDS.b, { kid: KIDS.b, key: reference.get(KIDS.b) as jose.CryptoKey });
  // The JWKS cache makes RSA keys only; another key source may hand over any key object.
  signing.set(KIDS.ec, { kid: KIDS.ec, key: ec.publicKey });
  const ecJwk = ec.publicKey.export({ format: 'jwk' }) as jose.JWK;
  reference.set(KIDS.ec, (await jose.importJWK(ecJwk, 'ES256')) as jose.CryptoKey);
  return {
    privateKeys: {
      a: pairs.a.privateKey,
      b: pairs.b.privateKey,
      weak: pairs.weak.privateKey,
      ec: pairs.ec.privateKey,
      stranger: pairs.stranger.privateKey,
    },
    signing,
    reference,
  };
}

// ---------------------------------------------------------------------------------------------
// The reference: jose, in the order the verifier used it.

interface JoseLikeError {
  code?: unknown;
  claim?: unknown;
  reason?: unknown;
}

/** How the verifier turned jose's errors into codes. */
function joseErrorCode(cause: unknown): IdTokenErrorCode {
  const e = (cause ?? {}) as JoseLikeError;
  switch (e.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'aud') return 'audience';
      if (e.reason === 'missing' || e.reason === 'invalid') return 'claims';
      if (e.claim === 'nbf' || e.claim === 'iat') return 'not_yet_valid';
      if (e.claim === 'exp') return 'expired';
      return 'claims';
    default:
      return 'malformed';
  }
}

function onlyKey<V>(keys: Map<string, V>): V | undefined {
  return keys.size === 1 ? [...keys.values()][0] : undefined;
}

async function joseVerdict(
  token: string,
  keys: Map<string, jose.CryptoKey>,
  clockTolerance: number,
  nowMs: number,
): Promise<Verdict> {
  let header: jose.ProtectedHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch {
    return { accepted: false, code: 'malformed' };
  }
  if (header.alg !== 'RS256') return { accepted: false, code: 'algorithm' };
  // Without a kid, the key set's only key (these sets hold several: refused).
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  if (kid === undefined && header.kid !== undefined)
    return { accepted: false, code: 'key_not_found' };
  const key = kid === undefined ? onlyKey(keys) : keys.get(kid);
  if (key === undefined) return { accepted: false, code: 'key_not_found' };
  let payload: Record<string, unknown>;
  try {
    const result = await jose.jwtVerify(token, key, {
      algorithms: ['RS256'],
      audience: CLIENT,
      clockTolerance,
      requiredClaims: REQUIRED,
      currentDate: new Date(nowMs),
    });
    payload = result.payload;
  } catch (cause) {
    return { accepted: false, code: joseErrorCode(cause) };
  }
  if (payload['aud'] !== CLIENT) return { accepted: false, code: 'audience' };
  const iat = payload['iat'];
  if (typeof iat === 'number' && iat > Math.floor(nowMs / 1000) + clockTolerance)
    return { accepted: false, code: 'not_yet_valid' };
  return { accepted: true, payload };
}

async function newVerdict(
  token: string,
  keys: Map<string, SigningKey>,
  clockTolerance: number,
  nowMs: number,
): Promise<Verdict> {
  try {
    const keyFor = (kid: string | undefined) => (kid === undefined ? onlyKey(keys) : keys.get(kid));
    const { payload } = await verifyJwt(token, keyFor, {
      audience: CLIENT,
      clockTolerance,
      now: () => nowMs,
    });
    return { accepted: true, payload };
  } catch (err) {
    if (!(err instanceof MicrosoftIdTokenError))
      throw new Error(`verifyJwt threw ${String(err)} instead of an MicrosoftIdTokenError`, {
        cause: err,
      });
    return { accepted: false, code: err.code };
  }
}

/** Canonical base64url in three segments, header and payload non-empty (checked by re-encoding). */
function isCanonical(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') return false;
  return parts.every(
    (p) => /^[A-Za-z0-9_-]*$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p,
  );
}

function refusedHeaderParameter(token: string): string | undefined {
  const header = jose.decodeProtectedHeader(token);
  return REFUSED_HEADER_PARAMETERS.find((name) => Object.hasOwn(header, name));
}

/** JSON texts of member values that hold a number JSON.parse reads as ±Infinity. */
const NON_FINITE_VALUES = ['1e400', '-1e400', '{"deep":[1,-1e999]}'];
/** A member value (an object) that repeats a member name inside itself. */
const NESTED_REPEAT = '{"given":"Ann","given":"Bob"}';

/**
 * What makes a segment's JSON not strict, read from how the case wrote it (not from the token):
 * a repeated member name at any depth, or a number that is not finite. Segments whose bytes are
 * not UTF-8 are refused before their JSON is read.
 */
function flawOf(segment: Segment): 'repeat' | 'non-finite' | undefined {
  if (segment.bytes !== 'none' && segment.bytes !== 'bom') return undefined;
  if ('raw' in segment.members) return segment.members.flaw;
  const present = segment.members.filter((m): m is [string, string] => m[1] !== undefined);
  if (present.some(([, v]) => NON_FINITE_VALUES.includes(v))) return 'non-finite';
  const names = present.map(([k]) => k);
  if (new Set(names).size !== names.length || present.some(([, v]) => v === NESTED_REPEAT))
    return 'repeat';
  return undefined;
}

/** What the new verifier must answer, given jose's verdict; and which rule decided it. */
function expected(reference: Verdict, token: string, c: Case): { verdict: Verdict; rule: Rule } {
  const refused = (rule: Rule) => ({
    verdict: { accepted: false, code: 'malformed' } as const,
    rule,
  });
  if (!isCanonical(token)) return refused('spelling');
  // The header is read first: its JSON must be strict before alg or kid mean anything.
  const headerFlaw = flawOf(c.header);
  if (headerFlaw !== undefined && !(!reference.accepted && reference.code === 'malformed'))
    return refused(headerFlaw);
  // The header, algorithm and kid are checked before the header's parameters, as before.
  if (!reference.accepted && ['malformed', 'algorithm', 'key_not_found'].includes(reference.code))
    return { verdict: reference, rule: 'jose' };
  if (refusedHeaderParameter(token) !== undefined) return refused('header');
  // The payload is read once the signature holds.
  if (!reference.accepted && reference.code === 'signature')
    return { verdict: reference, rule: 'jose' };
  const payloadFlaw = flawOf(c.payload);
  if (payloadFlaw !== undefined) return refused(payloadFlaw);
  return { verdict: reference, rule: 'jose' };
}

type Rule = 'jose' | 'spelling' | 'header' | 'repeat' | 'non-finite';

// ---------------------------------------------------------------------------------------------
// Tokens: JSON text written member by member (so keys can repeat), then bytes, then base64url.

/** A JSON member: name and JSON text of the value; `undefined` text leaves the member out. */
type Member = [string, string | undefined];

interface Segment {
  /**
   * Members in order, or a whole JSON text (not necessarily an object or valid JSON) with what
   * makes it not strict JSON, if anything.
   */
  members: Member[] | { raw: string; flaw?: 'repeat' | 'non-finite' };
  /** Byte-level change of the UTF-8 text. */
  bytes: 'none' | 'bom' | 'invalid-utf8' | 'overlong' | 'lone-surrogate';
}

type Signer = 'by-kid' | KeyName | 'pss';
type SignatureChange =
  | { kind: 'none' | 'empty' | 'zeros' | 'leading-zero' | 'from-other-input' }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'cut'; bytes: number }
  | { kind: 'append'; bytes: number };
type SpellingChange =
  | { kind: 'none' }
  | { kind: 'pad'; segment: number; text: string }
  | { kind: 'insert'; segment: number; at: number; text: string }
  | { kind: 'unused-bits'; segment: number }
  | { kind: 'std-alphabet'; segment: number }
  | { kind: 'segments'; count: number };

interface Case {
  header: Segment;
  payload: Segment;
  signer: Signer;
  signature: SignatureChange;
  spelling: SpellingChange;
  clockTolerance: number;
  nowMs: number;
}

const j = (value: unknown): string => JSON.stringify(value);
const ABSENT = undefined;

function text(members: Member[]): string {
  return `{${members
    .filter((m): m is [string, string] => m[1] !== undefined)
    .map(([k, v]) => `${j(k)}:${v}`)
    .join(',')}}`;
}

function bytesOf(segment: Segment): Buffer {
  const source = 'raw' in segment.members ? segment.members.raw : text(segment.members);
  const utf8 = Buffer.from(source, 'utf8');
  const mid = utf8.length >> 1;
  switch (segment.bytes) {
    case 'none':
      return utf8;
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    case 'invalid-utf8':
      return Buffer.concat([utf8.subarray(0, mid), Buffer.from([0xff]), utf8.subarray(mid)]);
    case 'overlong':
      // "/" as an overlong two-byte sequence, inside the last string value if there is one.
      return Buffer.concat([
        utf8.subarray(0, utf8.length - 2),
        Buffer.from([0xc0, 0xaf]),
        utf8.subarray(utf8.length - 2),
      ]);
    case 'lone-surrogate':
      // U+D800 encoded as three bytes (CESU), which strict UTF-8 refuses.
      return Buffer.concat([
        utf8.subarray(0, utf8.length - 2),
        Buffer.from([0xed, 0xa0, 0x80]),
        utf8.subarray(utf8.length - 2),
      ]);
  }
}

function signerKey(c: Case, keys: Keys, kid: string | undefined): KeyObject {
  const byKid = Object.entries(KIDS).find(([, k]) => k === kid)?.[0] as KeyName | undefined;
  const name: KeyName = c.signer === 'by-kid' || c.signer === 'pss' ? (byKid ?? 'a') : c.signer;
  return keys.privateKeys[name];
}

function build(c: Case, keys: Keys): string {
  const header = bytesOf(c.header).toString('base64url');
  const payload = bytesOf(c.payload).toString('base64url');
  const input = `${header}.${payload}`;
  const kidMember =
    'raw' in c.header.members ? undefined : c.header.members.find((m) => m[0] === 'kid')?.[1];
  const kid = kidMember === undefined ? undefined : (JSON.parse(kidMember) as unknown);
  const key = signerKey(c, keys, typeof kid === 'string' ? kid : undefined);
  const sign = (data: string): Buffer =>
    c.signer === 'pss'
      ? rsaSign('sha256', Buffer.from(data), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        })
      : rsaSign('RSA-SHA256', Buffer.from(data), key);
  let sig = sign(input);
  const s = c.signature;
  switch (s.kind) {
    case 'none':
      break;
    case 'empty':
      sig = Buffer.alloc(0);
      break;
    case 'zeros':
      sig = Buffer.alloc(sig.length);
      break;
    case 'leading-zero':
      sig = Buffer.concat([Buffer.from([0]), sig]);
      break;
    case 'from-other-input':
      sig = sign(`${input}x`);
      break;
    case 'flip': {
      const i = s.at % sig.length;
      sig[i] = (sig[i] ?? 0) ^ s.mask;
      break;
    }
    case 'cut':
      sig = sig.subarray(0, Math.max(0, sig.length - s.bytes));
      break;
    case 'append':
      sig = Buffer.concat([sig, Buffer.alloc(s.bytes, 0x41)]);
      break;
  }
  const parts = [header, payload, sig.toString('base64url')];
  return respell(parts, c.spelling);
}

const STD = { '-': '+', _: '/' } as const;

function respell(parts: string[], change: SpellingChange): string {
  const at = (segment: number): string => parts[segment % 3] ?? '';
  const put = (segment: number, value: string): void => {
    parts[segment % 3] = value;
  };
  switch (change.kind) {
    case 'none':
      break;
    case 'pad':
      put(change.segment, at(change.segment) + change.text);
      break;
    case 'insert': {
      const p = at(change.segment);
      const i = change.at % (p.length + 1);
      put(change.segment, p.slice(0, i) + change.text + p.slice(i));
      break;
    }
    case 'unused-bits': {
      // The same bytes for a lenient decoder, but with the last character's unused bits set.
      const p = at(change.segment);
      const rest = p.length % 4;
      if (rest === 0) break;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(p.charAt(p.length - 1));
      const bits = rest === 2 ? 0x0f : 0x03;
      put(change.segment, p.slice(0, -1) + alphabet.charAt((last & ~bits) | bits));
      break;
    }
    case 'std-alphabet':
      put(
        change.segment,
        at(change.segment).replace(/[-_]/g, (ch) => STD[ch as keyof typeof STD]),
      );
      break;
    case 'segments':
      return change.count < 3
        ? parts.slice(0, change.count).join('.')
        : [...parts, ...parts.slice(0, change.count - 3)].join('.');
  }
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Mostly `usual` (six times in seven), sometimes one of `others`. */
function mostly<T>(usual: T, ...others: T[]): fc.Arbitrary<T> {
  return rarely(6, usual, ...others);
}

/** `usual` `weight` times in `weight + 1`, else one of `others`. */
function rarely<T>(weight: number, usual: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { weight, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );
}

const bytesChange: fc.Arbitrary<Segment['bytes']> = rarely<Segment['bytes']>(
  20,
  'none',
  'bom',
  'invalid-utf8',
  'overlong',
  'lone-surrogate',
);

const headerExtras: fc.Arbitrary<Member[]> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Member[]>([]) },
  {
    weight: 2,
    arbitrary: fc.array(
      fc.constantFrom<Member>(
        ['crit', j(['b64'])],
        ['crit', j(['exp'])],
        ['crit', j([])],
        ['crit', j('b64')],
        ['crit', j(['b64', 'b64'])],
        ['b64', 'true'],
        ['b64', 'false'],
        ['jku', j('https://attacker.example/keys')],
        ['jwk', j({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })],
        ['x5u', j('https://attacker.example/cert.pem')],
        ['x5c', j(['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'])],
        ['x5t', j('NjVBRjY5MDlCMUIwNzU4RTA2QzZFMDQ4QzQ2MDAyQjVDNjk1RTM2Qg')],
        ['cty', j('JWT')],
        ['zip', j('DEF')],
        ['__proto__', j({ alg: 'none' })],
        ['alg', j('none')],
        ['alg', j('RS256')],
        ['kid', j(KIDS.b)],
        ['kid', j(KIDS.a)],
      ),
      { minLength: 1, maxLength: 3 },
    ),
  },
);

const header: fc.Arbitrary<Segment> = fc.record({
  members: fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(
          mostly<string | undefined>(
            j('RS256'),
            j('rs256'),
            j('RS384'),
            j('PS256'),
            j('HS256'),
            j('ES256'),
            j('none'),
            j(''),
            'null',
            '1',
            ABSENT,
          ),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant(j(KIDS.a)) },
            { weight: 2, arbitrary: fc.constant(j(KIDS.b)) },
            {
              weight: 1,
              arbitrary: fc.constantFrom<string | undefined>(
                j(KIDS.weak),
                j(KIDS.ec),
                j('kid-unknown'),
                j(''),
                'null',
                '7',
                j([KIDS.a]),
                ABSENT,
              ),
            },
          ),
          mostly<string | undefined>(j('JWT'), j('jwt'), j('JOSE'), j('at+jwt'), '1', ABSENT),
          headerExtras,
          fc.boolean(),
        )
        .map(([alg, kid, typ, extras, extrasFirst]): Member[] => {
          const base: Member[] = [
            ['typ', typ],
            ['alg', alg],
            ['kid', kid],
          ];
          return extrasFirst ? [...extras, ...base] : [...base, ...extras];
        }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { raw: '[]' },
        { raw: j('RS256') },
        { raw: '1' },
        { raw: 'null' },
        { raw: 'not json' },
        { raw: `{"alg":"RS256","kid":${j(KIDS.a)},}` },
        { raw: ` {"alg":"RS256","kid":${j(KIDS.a)}}\n` },
        { raw: `{"alg":"RS256","kid":${j(KIDS.a)}}{}` },
        { raw: `{"alg":"none","alg":"RS256","kid":${j(KIDS.a)}}`, flaw: 'repeat' as const },
        { raw: `{"alg":"RS256","alg":"none","kid":${j(KIDS.a)}}`, flaw: 'repeat' as const },
        { raw: `{"alg":"RS256","\\u0061lg":"RS256","kid":${j(KIDS.a)}}`, flaw: 'repeat' as const },
        { raw: `{"alg":"RS256","kid":${j(KIDS.a)},"x":{"y":1,"y":1}}`, flaw: 'repeat' as const },
        { raw: `{"alg":"RS256","kid":${j(KIDS.a)},"x":1e400}`, flaw: 'non-finite' as const },
        { raw: `{"alg":"RS256","kid":${j(KIDS.a)},"x":[{"y":1},{"y":1}]}` },
        { raw: `{"alg":"RS\\u0032\\u0035\\u0036","kid":${j(KIDS.a)}}` },
      ),
    },
  ),
  bytes: bytesChange,
});

const tidValue = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const payload: fc.Arbitrary<Segment> = fc.record({
  members: fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .record({
          aud: mostly<string | undefined>(
            j(CLIENT),
            j(OTHER_APP),
            j([CLIENT]),
            j([CLIENT, OTHER_APP]),
            j([OTHER_APP]),
            j([]),
            j(CLIENT.toUpperCase()),
            '1',
            'null',
            ABSENT,
          ),
          iss: mostly<string | undefined>(
            j(`https://login.microsoftonline.com/${tidValue}/v2.0`),
            '5',
            'null',
            ABSENT,
          ),
          sub: mostly<string | undefined>(
            j('AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ'),
            '7',
            ABSENT,
          ),
          exp: mostly<string | undefined>(
            'HOUR',
            'TOL_MINUS_1',
            'TOL',
            'TOL_PLUS_1',
            'LONG_AGO',
            'HALF',
            j('soon'),
            'null',
            '1e400',
            '-1e400',
            ABSENT,
          ),
          nbf: fc.constantFrom<string | undefined>(
            ABSENT,
            ABSENT,
            ABSENT,
            ABSENT,
            '-1e400',
            'PAST',
            'PAST',
            'AHEAD_TOL',
            'AHEAD_TOL_PLUS_1',
            'FAR_AHEAD',
            'HALF',
            j('now'),
            'null',
          ),
          iat: mostly<string | undefined>(
            'PAST',
            'NOW',
            'AHEAD_TOL',
            'AHEAD_TOL_PLUS_1',
            'FAR_AHEAD',
            j('then'),
            'null',
            '1e400',
            ABSENT,
          ),
          name: fc.string({ maxLength: 12, unit: 'binary' }).map(j),
          more: fc.oneof(
            { weight: 4, arbitrary: fc.constant<Member[]>([]) },
            {
              weight: 1,
              arbitrary: fc.array(
                fc.constantFrom<Member>(
                  ['aud', j(OTHER_APP)],
                  ['aud', j(CLIENT)],
                  ['exp', 'LONG_AGO'],
                  ['exp', 'HOUR'],
                  ['nbf', 'FAR_AHEAD'],
                  ['iat', j('then')],
                  ['__proto__', j({ aud: CLIENT })],
                  ['constructor', '{}'],
                  ['name', NESTED_REPEAT],
                  ['balance', NON_FINITE_VALUES[2] ?? ''],
                  ['groups', '[{"id":1},{"id":1}]'],
                  ['nonce', j('n-0S6_WzA2Mj')],
                ),
                { minLength: 1, maxLength: 3 },
              ),
            },
          ),
          moreFirst: fc.boolean(),
        })
        .map(({ more, moreFirst, ...claims }): Member[] => {
          const base = Object.entries(claims) as Member[];
          return moreFirst ? [...more, ...base] : [...base, ...more];
        }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { raw: '[]' },
        { raw: j('claims') },
        { raw: '42' },
        { raw: 'null' },
        { raw: 'not json' },
        { raw: '{}' },
        { raw: `{"aud":${j(CLIENT)}}` },
        { raw: '{"aud":' },
      ),
    },
  ),
  bytes: bytesChange,
});

/** Replaces the time placeholders of a payload relative to the clock and the tolerance. */
function withTimes(segment: Segment, tolerance: number): Segment {
  if ('raw' in segment.members) return segment;
  const times: Record<string, number> = {
    HOUR: NOW + 3600,
    TOL_MINUS_1: NOW - tolerance + 1,
    TOL: NOW - tolerance,
    TOL_PLUS_1: NOW - tolerance - 1,
    LONG_AGO: NOW - 86_400,
    HALF: NOW + 0.5,
    PAST: NOW - 60,
    NOW,
    AHEAD_TOL: NOW + tolerance,
    AHEAD_TOL_PLUS_1: NOW + tolerance + 1,
    FAR_AHEAD: NOW + 86_400,
  };
  return {
    ...segment,
    members: segment.members.map(([k, v]): Member => {
      const t = v === undefined ? undefined : times[v];
      return [k, t === undefined ? v : String(t)];
    }),
  };
}

const signer: fc.Arbitrary<Signer> = mostly<Signer>('by-kid', 'a', 'b', 'weak', 'stranger', 'pss');

const signatureChange: fc.Arbitrary<SignatureChange> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([at, mask]) => ({ kind: 'flip' as const, at, mask })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom(
        { kind: 'empty' as const },
        { kind: 'zeros' as const },
        { kind: 'leading-zero' as const },
        { kind: 'from-other-input' as const },
      ),
      fc.integer({ min: 1, max: 300 }).map((bytes) => ({ kind: 'cut' as const, bytes })),
      fc.integer({ min: 1, max: 4 }).map((bytes) => ({ kind: 'append' as const, bytes })),
    ),
  },
);

const segmentIndex = fc.integer({ min: 0, max: 2 });
const spellingChange: fc.Arbitrary<SpellingChange> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc
        .tuple(segmentIndex, fc.constantFrom('=', '==', '==='))
        .map(([segment, text]) => ({ kind: 'pad' as const, segment, text })),
      fc
        .tuple(
          segmentIndex,
          fc.nat(),
          fc.constantFrom(' ', '\n', '\t', '\r\n', '=', '+', '/', '%', '*'),
        )
        .map(([segment, at, text]) => ({ kind: 'insert' as const, segment, at, text })),
      segmentIndex.map((segment) => ({ kind: 'unused-bits' as const, segment })),
      segmentIndex.map((segment) => ({ kind: 'std-alphabet' as const, segment })),
      fc.constantFrom(1, 2, 4, 5).map((count) => ({ kind: 'segments' as const, count })),
    ),
  },
);

const testCase: fc.Arbitrary<Case> = fc
  .record({
    header,
    payload,
    signer,
    signature: signatureChange,
    spelling: spellingChange,
    clockTolerance: fc.constantFrom(300, 300, 0, 60),
    nowMs: fc.integer({ min: 0, max: 999 }).map((ms) => NOW * 1000 + ms),
  })
  .map((c) => ({ ...c, payload: withTimes(c.payload, c.clockTolerance) }));

// ---------------------------------------------------------------------------------------------

describe('ID token JOSE layer: node:crypto verifier against jose (differential)', function () {
  this.timeout(0);
  let keys: Keys;

  before(async () => {
    keys = await makeKeys();
  });

  it(`agrees with jose on ${RUNS} mutated tokens (verdict, MicrosoftIdTokenError code, claims)`, async () => {
    const tally = {
      ...{ runs: 0, bothAccepted: 0, bothRefused: 0 },
      ...{ spelling: 0, header: 0, repeat: 0, 'non-finite': 0 },
    };
    const byCode = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(testCase, async (c) => {
        const token = build(c, keys);
        const reference = await joseVerdict(token, keys.reference, c.clockTolerance, c.nowMs);
        const { verdict: want, rule } = expected(reference, token, c);
        const got = await newVerdict(token, keys.signing, c.clockTolerance, c.nowMs);
        expect(
          got,
          `token ${token}\njose ${JSON.stringify(reference)} (rule ${rule})`,
        ).to.deep.equal(want);
        tally.runs += 1;
        if (rule !== 'jose' && reference.accepted) tally[rule] += 1;
        else if (got.accepted) tally.bothAccepted += 1;
        else {
          tally.bothRefused += 1;
          byCode.set(got.code, (byCode.get(got.code) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    console.log(
      `      differential: ${tally.runs} runs, 0 disagreements with jose (both accepted ${tally.bothAccepted}, both refused ${tally.bothRefused} [${[
        ...byCode,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ${n}`)
        .join(
          ', ',
        )}]; jose accepted but refused by design: non-canonical spelling ${tally.spelling}, crit/b64/jku/jwk/x5u header ${tally.header}, repeated member name ${tally.repeat}, number not finite ${tally['non-finite']})`,
    );
    expect(tally.runs).to.equal(RUNS);
    // The mutations reach every outcome, so agreement is not agreement on one kind of token.
    expect(tally.bothAccepted, 'accepted tokens').to.be.greaterThan(RUNS / 20);
    for (const code of [
      'malformed',
      'algorithm',
      'key_not_found',
      'signature',
      'audience',
      'expired',
      'not_yet_valid',
      'claims',
    ])
      expect(byCode.get(code) ?? 0, `refusals with ${code}`).to.be.greaterThan(0);
    expect(tally.spelling, 'non-canonical tokens jose accepts').to.be.greaterThan(0);
    expect(tally.header, 'refused header parameters jose accepts').to.be.greaterThan(0);
    expect(tally.repeat, 'repeated member names jose accepts').to.be.greaterThan(0);
    expect(tally['non-finite'], 'non-finite numbers jose accepts').to.be.greaterThan(0);
  });
});
