/**
 * Differential property test of the access-token verifier against jose: v1 and v2 tokens (their
 * issuers and key sets), user and app-only tokens, Graph tokens, mutated headers, claims, times,
 * signers and signatures, on a tenant-id authority and on `common`. For each token both sides must
 * reach the same verdict with the same MicrosoftAccessTokenError code, and the same reading when
 * they accept.
 *
 * The reference is written from the rules, with jose doing the JOSE work: jose's
 * `decodeProtectedHeader` and `decodeJwt` to recognise a Graph token and pick the key set (v1 for
 * `ver` "1.0"), then `jwtVerify` (RS256, the audiences, the tolerance, the required claims), then
 * the rules jose has no notion of (one string audience, iat not ahead, header parameters refused by
 * design, `ver`, Microsoft's issuers, the key's issuer binding, scopes and app permissions). The
 * JOSE layer's spelling and header edge cases are the ID-token differential test's.
 *
 * RUNS sets the number of runs (3,000 by default, 50,000 under FUZZ=1); SEED replays a run.
 */
import { expect } from 'chai';
import { sign } from 'node:crypto';
import fc from 'fast-check';
import * as jose from 'jose';
import { MicrosoftAccessTokenError } from '../../lib/errors.js';
import type { AccessTokenErrorCode } from '../../lib/errors.js';
import { MicrosoftAccessTokenVerifier } from '../../lib/core/access-token/verifier.js';
import {
  API_ID,
  CLIENT_APP,
  CONSUMER_TID,
  NOW,
  OTHER_TID,
  TID,
  b64url,
  startAuthority,
} from './fixture.js';
import type { AuthorityFixture, FixtureKey } from './fixture.js';

const RUNS = Number(process.env['RUNS'] ?? (process.env['FUZZ'] === '1' ? 50_000 : 3_000));
const SEED = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
const AUDIENCES = [API_ID, `api://${API_ID}`];
const SCOPES = ['Notes.Read'];
const APP_PERMISSIONS = ['Notes.Read.All'];
const GRAPH = [
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.com',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFUSED_HEADER = ['crit', 'b64', 'jku', 'jwk', 'x5u'];

type Reading = {
  kind: string;
  id: string;
  tenantId: string;
  clientAppId: string;
  scopes: string[];
  roles: string[];
  version: number;
};
type Verdict =
  { accepted: true; reading: Reading } | { accepted: false; code: AccessTokenErrorCode };
type Authority = 'guid' | 'common';

interface RefKey {
  key: jose.CryptoKey;
  issuer?: string;
}

// ---------------------------------------------------------------------------------------------
// The reference.

function joseCode(cause: unknown): AccessTokenErrorCode {
  const e = (cause ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (e.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'aud') return 'audience';
      if (e.reason === 'missing' || e.reason === 'invalid') return 'claims';
      if (e.claim === 'nbf' || e.claim === 'iat') return 'not_yet_valid';
      return 'claims';
    default:
      return 'malformed';
  }
}

function isGraph(aud: unknown): boolean {
  const one = (a: unknown) =>
    typeof a === 'string' && GRAPH.includes(a.toLowerCase().replace(/\/$/, ''));
  return one(aud) || (Array.isArray(aud) && aud.some(one));
}

class Refusal extends Error {
  constructor(readonly code: AccessTokenErrorCode) {
    super(code);
  }
}

function str(claims: Record<string, unknown>, name: string): string | undefined {
  const v = claims[name];
  if (v !== undefined && typeof v !== 'string') throw new Refusal('claims');
  return v;
}

/** What the rules make of verified claims: Microsoft's issuers, the key binding, the reading, the policy. */
function microsoftRules(
  p: Record<string, unknown>,
  key: RefKey,
  authority: Authority,
  url: string,
): Reading {
  const version = p['ver'] === '2.0' ? 2 : p['ver'] === '1.0' ? 1 : undefined;
  if (version === undefined) throw new Refusal('claims');
  const tid = p['tid'];
  if (typeof tid !== 'string' || !GUID.test(tid)) throw new Refusal('issuer');
  if (authority === 'guid' && tid.toLowerCase() !== TID) throw new Refusal('issuer');
  const issuerTenant = authority === 'guid' ? TID : tid;
  const expected =
    version === 2 ? `${url}/${issuerTenant}/v2.0` : `https://sts.windows.net/${issuerTenant}/`;
  if (p['iss'] !== expected) throw new Refusal('issuer');
  if (key.issuer !== undefined && key.issuer.replace('{tenantid}', tid) !== `${url}/${tid}/v2.0`)
    throw new Refusal('issuer');
  const scp = str(p, 'scp');
  const roles = p['roles'];
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string')))
    throw new Refusal('claims');
  const idtyp = str(p, 'idtyp');
  if (idtyp !== undefined && idtyp !== 'app' && idtyp !== 'user') throw new Refusal('claims');
  const kind = idtyp ?? (scp === undefined ? 'app' : 'user');
  const clientAppId = str(p, 'azp') ?? str(p, 'appid');
  if (clientAppId === undefined) throw new Refusal('claims');
  const id = str(p, 'oid') ?? p['sub'];
  if (typeof id !== 'string') throw new Refusal('claims');
  const scopes = kind === 'app' || scp === undefined ? [] : scp.split(' ').filter(Boolean);
  const granted = roles ?? [];
  if (scopes.length === 0 && granted.length === 0) throw new Refusal('insufficient_scope');
  if (kind === 'user' && !scopes.some((s) => SCOPES.includes(s)))
    throw new Refusal('insufficient_scope');
  if (kind === 'app' && !granted.some((r) => APP_PERMISSIONS.includes(r)))
    throw new Refusal('insufficient_scope');
  return { kind, id, tenantId: tid, clientAppId, scopes, roles: granted, version };
}

async function reference(
  token: string,
  sets: { v1: Map<string, RefKey>; v2: Map<string, RefKey> },
  authority: Authority,
  url: string,
  nowMs: number,
): Promise<Verdict> {
  let header: jose.ProtectedHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch {
    return { accepted: false, code: 'malformed' };
  }
  let unverified: Record<string, unknown> | undefined;
  try {
    unverified = jose.decodeJwt(token);
  } catch {
    unverified = undefined;
  }
  if (Object.hasOwn(header, 'nonce') || isGraph(unverified?.['aud']))
    return { accepted: false, code: 'graph_token' };
  if (header.alg !== 'RS256') return { accepted: false, code: 'algorithm' };
  if (typeof header.kid !== 'string' || header.kid === '')
    return { accepted: false, code: 'key_not_found' };
  const key = (unverified?.['ver'] === '1.0' ? sets.v1 : sets.v2).get(header.kid);
  if (key === undefined) return { accepted: false, code: 'key_not_found' };
  if (REFUSED_HEADER.some((name) => Object.hasOwn(header, name)))
    return { accepted: false, code: 'malformed' };
  let payload: Record<string, unknown>;
  try {
    const result = await jose.jwtVerify(token, key.key, {
      algorithms: ['RS256'],
      audience: AUDIENCES,
      clockTolerance: 300,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(nowMs),
    });
    payload = result.payload;
  } catch (cause) {
    return { accepted: false, code: joseCode(cause) };
  }
  if (typeof payload['aud'] !== 'string') return { accepted: false, code: 'audience' };
  if ((payload['iat'] as number) > Math.floor(nowMs / 1000) + 300)
    return { accepted: false, code: 'not_yet_valid' };
  try {
    return { accepted: true, reading: microsoftRules(payload, key, authority, url) };
  } catch (err) {
    if (err instanceof Refusal) return { accepted: false, code: err.code };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens.

type Signer = 'by-kid' | 'stranger' | 'v1only' | 'bound' | 'templated';
interface Case {
  authority: Authority;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signer: Signer;
  flip: number | undefined;
  nowMs: number;
}

const ABSENT = Symbol('absent');
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const mostly = <T>(usual: T, ...others: T[]) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );

function arbitraryCase(url: string): fc.Arbitrary<Case> {
  const v2Iss = (t: string) => `${url}/${t}/v2.0`;
  const v1Iss = (t: string) => `https://sts.windows.net/${t}/`;
  return fc
    .record({
      authority: pick<Authority>('guid', 'common'),
      ver: mostly<unknown>('2.0', '1.0', '1.0', '3.0', 2, ABSENT),
      kind: pick('user', 'app'),
      tid: mostly<unknown>(TID, OTHER_TID, CONSUMER_TID, 'not-a-guid', 7, ABSENT),
      issFor: mostly<string>('matching', 'v1-of-tid', 'v2-of-tid', 'v2-of-home', 'elsewhere'),
      aud: mostly<unknown>(
        API_ID,
        `api://${API_ID}`,
        [API_ID],
        API_ID.toUpperCase(),
        'https://other.example',
        ...GRAPH,
        'https://graph.microsoft.com/',
        ABSENT,
      ),
      scp: mostly<unknown>('Notes.Read Notes.Write', 'Notes.Write', '', 3, ABSENT),
      roles: mostly<unknown>(['Notes.Read.All'], ['Other'], [], [1], 'Notes.Read.All', ABSENT),
      idtyp: mostly<unknown>(ABSENT, 'app', 'user', 'device'),
      client: mostly<string>('azp-or-appid', 'both', 'none', 'azp-number'),
      exp: mostly<number | typeof ABSENT>(3600, -299, -301, -86_400, ABSENT),
      nbf: mostly<number | typeof ABSENT>(-60, 299, 301, ABSENT),
      iat: mostly<number | typeof ABSENT>(-60, 299, 301, ABSENT),
      oid: mostly<unknown>('00000000-0000-0000-66f3-3332eca7ea81', ABSENT, 5),
      header: fc.oneof(
        { weight: 8, arbitrary: fc.constant<Record<string, unknown>>({}) },
        {
          weight: 1,
          arbitrary: pick<Record<string, unknown>>(
            { nonce: 'graph-nonce' },
            { alg: 'none' },
            { alg: 'HS256' },
            { alg: 'PS256' },
            { alg: 'ES256' },
            { kid: 'k-unknown' },
            { kid: '' },
            { kid: 7 },
            { crit: ['exp'] },
            { jku: 'https://attacker.example/keys' },
            { jwk: { kty: 'RSA' } },
            { x5u: 'https://attacker.example/cert' },
            { x5t: 'thumbprint' },
          ),
        },
      ),
      signer: mostly<Signer>('by-kid', 'stranger', 'v1only', 'bound', 'templated'),
      flip: fc.oneof(
        { weight: 12, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.nat(255) },
      ),
      ms: fc.integer({ min: 0, max: 999 }),
    })
    .map((r): Case => {
      const claims: Record<string, unknown> = {};
      const put = (name: string, value: unknown) => {
        if (value !== ABSENT) claims[name] = value;
      };
      const v1 = r.ver === '1.0';
      const tid = typeof r.tid === 'string' ? r.tid : TID;
      const iss = {
        matching: v1 ? v1Iss(tid) : v2Iss(tid),
        'v1-of-tid': v1Iss(tid),
        'v2-of-tid': v2Iss(tid),
        'v2-of-home': v2Iss(TID),
        elsewhere: 'https://login.microsoftonline.com/' + tid + '/v2.0',
      }[r.issFor];
      put('aud', r.aud);
      put('iss', iss);
      put('iat', r.iat === ABSENT ? ABSENT : NOW + r.iat);
      put('nbf', r.nbf === ABSENT ? ABSENT : NOW + r.nbf);
      put('exp', r.exp === ABSENT ? ABSENT : NOW + r.exp);
      put('sub', 'pairwise-subject');
      put('oid', r.oid);
      put('tid', r.tid);
      put('ver', r.ver);
      put('idtyp', r.idtyp);
      if (r.kind === 'user') put('scp', r.scp);
      else put('roles', r.roles);
      if (r.kind === 'user' && r.roles !== ABSENT && r.scp === ABSENT) put('roles', r.roles);
      const clientClaim = v1 ? 'appid' : 'azp';
      if (r.client === 'azp-or-appid') put(clientClaim, CLIENT_APP);
      if (r.client === 'both') {
        put('azp', CLIENT_APP);
        put('appid', 'f0000000-0000-0000-0000-000000000000');
      }
      if (r.client === 'azp-number') put('azp', 42);
      return {
        authority: r.authority,
        header: r.header,
        claims,
        signer: r.signer,
        flip: r.flip,
        nowMs: NOW * 1000 + r.ms,
      };
    });
}

function build(c: Case, f: AuthorityFixture): string {
  const v1 = c.claims['ver'] === '1.0';
  const byKid: FixtureKey = v1 ? f.keys.v1only : f.keys.templated;
  const key: FixtureKey =
    c.signer === 'by-kid'
      ? byKid
      : c.signer === 'stranger'
        ? { ...f.keys.shared, kid: byKid.kid }
        : f.keys[c.signer];
  const input = `${b64url({ typ: 'JWT', alg: 'RS256', kid: key.kid, ...c.header })}.${b64url(c.claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(input), key.privateKey);
  if (c.flip !== undefined) signature.writeUInt8((signature[c.flip] ?? 0) ^ 0x01, c.flip);
  return `${input}.${signature.toString('base64url')}`;
}

// ---------------------------------------------------------------------------------------------

describe('Access tokens: the verifier against jose (differential)', function () {
  this.timeout(0);
  let f: AuthorityFixture;
  const sets = { v1: new Map<string, RefKey>(), v2: new Map<string, RefKey>() };
  let nowMs = NOW * 1000;
  const verifiers = {} as Record<Authority, MicrosoftAccessTokenVerifier>;

  before(async () => {
    f = await startAuthority();
    for (const [set, keys, withIssuer] of [
      [sets.v2, f.v2Keys, true],
      [sets.v1, f.v1Keys, false],
    ] as const)
      for (const k of keys) {
        const cryptoKey = (await jose.importJWK(
          k.publicKey.export({ format: 'jwk' }),
          'RS256',
        )) as jose.CryptoKey;
        set.set(
          k.kid,
          withIssuer && k.issuer !== undefined
            ? { key: cryptoKey, issuer: k.issuer }
            : { key: cryptoKey },
        );
      }
    const base = {
      clientID: API_ID,
      scopes: SCOPES,
      appPermissions: APP_PERMISSIONS,
      cacheSize: 0,
    };
    const clock = { clock: () => nowMs };
    verifiers.guid = new MicrosoftAccessTokenVerifier(
      { ...base, authority: `${f.url}/${TID}` },
      clock,
    );
    verifiers.common = new MicrosoftAccessTokenVerifier(
      { ...base, authority: `${f.url}/common`, allowedTenants: '*' },
      clock,
    );
  });
  after(() => f.close());

  it(`agrees with jose on ${RUNS} v1, v2, user, app-only and Graph tokens (verdict, code, reading)`, async () => {
    const tally = {
      accepted: 0,
      byCode: new Map<string, number>(),
      versions: new Set<number>(),
      kinds: new Set<string>(),
    };
    await fc.assert(
      fc.asyncProperty(arbitraryCase(f.url), async (c) => {
        const token = build(c, f);
        const want = await reference(token, sets, c.authority, f.url, c.nowMs);
        nowMs = c.nowMs;
        let got: Verdict;
        try {
          const t = await verifiers[c.authority].verify(token);
          got = {
            accepted: true,
            reading: {
              kind: t.kind,
              id: t.id,
              tenantId: t.tenantId,
              clientAppId: t.clientAppId,
              scopes: [...t.scopes],
              roles: [...t.roles],
              version: t.version,
            },
          };
        } catch (err) {
          if (!(err instanceof MicrosoftAccessTokenError)) throw err;
          got = { accepted: false, code: err.code };
        }
        expect(
          got,
          `${c.authority} ${JSON.stringify(c.header)} ${JSON.stringify(c.claims)} signer ${c.signer} flip ${String(c.flip)}`,
        ).to.deep.equal(want);
        if (got.accepted) {
          tally.accepted += 1;
          tally.versions.add(got.reading.version);
          tally.kinds.add(got.reading.kind);
        } else tally.byCode.set(got.code, (tally.byCode.get(got.code) ?? 0) + 1);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    console.log(
      `      access-token differential: ${RUNS} runs, 0 disagreements (accepted ${tally.accepted}; refused ${[
        ...tally.byCode,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')})`,
    );
    // The cases reach every outcome: acceptance of both versions and both kinds, and each refusal.
    expect(tally.accepted, 'accepted tokens').to.be.greaterThan(RUNS / 50);
    expect([...tally.versions].sort()).to.deep.equal([1, 2]);
    expect([...tally.kinds].sort()).to.deep.equal(['app', 'user']);
    for (const code of [
      'graph_token',
      'algorithm',
      'key_not_found',
      'malformed',
      'signature',
      'audience',
      'expired',
      'not_yet_valid',
      'claims',
      'issuer',
      'insufficient_scope',
    ])
      expect(tally.byCode.get(code) ?? 0, `refusals with ${code}`).to.be.greaterThan(0);
  });
});
