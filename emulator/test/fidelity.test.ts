/**
 * Fidelity to what Microsoft sends: per payload kind, the emulator's member names and value formats
 * compared with Microsoft's published samples (test/fixtures/microsoft), and the details real
 * clients read: x5c certificates in the key set, 60-90 minute access tokens, the Gmail-created
 * personal account's Graph profile.
 */
import { expect } from 'chai';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { getCode, json, jwtHeader, jwtPayload, loginTokens, raw, redeem } from './helpers.js';

const FIXTURES = join(__dirname, 'fixtures', 'microsoft');

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

/** The format of a value, as far as a client could tell formats apart. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${[...new Set(value.map(kind))].join('|') || 'any'}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? (value > 1e9 ? 'unix-time' : 'integer') : 'number';
  if (typeof value !== 'string') return typeof value;
  if (/^AADSTS\d+: [\s\S]*\r\nTrace ID: \S+\r\nCorrelation ID: \S+\r\nTimestamp: .+$/.test(value))
    return 'aadsts-description';
  if (value.includes('…')) return 'shortened';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return 'guid';
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/.test(value)) return 'aad-timestamp';
  if (/^https?:\/\/\S+$/.test(value)) return 'url';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return 'email';
  if (/^[0-9a-f]{16}$/.test(value)) return 'hex16';
  if (/^[A-Za-z0-9_-]{27}$/.test(value)) return 'sha1-base64url';
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return 'sha256-base64url';
  return 'string';
}

/** Whether a fixture value is shortened (`…`), so only its JSON type can be compared. */
function shortened(value: unknown): boolean {
  return kind(value) === 'shortened' || (Array.isArray(value) && value.some(shortened));
}

/**
 * Compares `actual` with the published `sample`: the same member names, and for each member the
 * same format (only the JSON type for shortened values and for `opaque` members).
 */
function expectShapeOf(
  actual: Record<string, unknown>,
  sample: Record<string, unknown>,
  what: string,
  opaque: readonly string[] = [],
): void {
  expect(Object.keys(actual).sort(), `${what}: member names`).to.deep.equal(
    Object.keys(sample).sort(),
  );
  for (const [name, value] of Object.entries(sample)) {
    if (shortened(value) || opaque.includes(name))
      expect(typeof actual[name], `${what}.${name}: type`).to.equal(typeof value);
    else expect(kind(actual[name]), `${what}.${name}: format`).to.equal(kind(value));
  }
}

describe('emulator: fidelity to Microsoft’s published payloads', function () {
  this.timeout(30_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(() => emulator.close());

  it('discovery document: the members and formats of common’s, the same enumerations', async () => {
    const doc = json(await raw(`${emulator.url}/common/v2.0/.well-known/openid-configuration`));
    const sample = fixture('discovery-common.json');
    expectShapeOf(doc, sample, 'discovery');
    for (const [name, value] of Object.entries(sample))
      if (Array.isArray(value) || typeof value === 'boolean')
        expect(doc[name], name).to.deep.equal(value);
  });

  it('key set: the members and formats of Microsoft’s keys, x5c the key’s certificate, x5t its thumbprint', async () => {
    const keys = json(await raw(`${emulator.url}/common/discovery/v2.0/keys`))['keys'] as Array<
      Record<string, unknown>
    >;
    const [sample] = fixture('jwks-common.json')['keys'] as Array<Record<string, unknown>>;
    expect(keys.length).to.be.at.least(2);
    for (const key of keys) {
      expectShapeOf(key, sample ?? {}, `jwk ${String(key['kid'])}`);
      expect(key['kid']).to.equal(key['x5t']);
      const der = Buffer.from(String((key['x5c'] as string[])[0]), 'base64');
      const cert = new X509Certificate(der);
      expect(createHash('sha1').update(der).digest('base64url')).to.equal(key['x5t']);
      const fromCert = cert.publicKey.export({ format: 'jwk' });
      expect(fromCert.n).to.equal(key['n']);
      expect(fromCert.e).to.equal(key['e']);
      expect(cert.verify(cert.publicKey)).to.equal(true);
      expect(new Date(cert.validTo).getTime()).to.be.greaterThan(Date.now());
    }
  });

  it('ID token: the header and claims of Microsoft’s sample (profile scope, with a nonce)', async () => {
    const tokens = await loginTokens(emulator, 'personal', {
      scope: 'openid profile',
      nonce: '123523',
    });
    const sample = fixture('id-token.json');
    const idToken = String(tokens['id_token']);
    expectShapeOf(jwtHeader(idToken), sample['header'] as Record<string, unknown>, 'header');
    const claims = jwtPayload(idToken);
    // aio is Microsoft's internal, opaque value.
    expectShapeOf(claims, sample['claims'] as Record<string, unknown>, 'claims', ['aio']);
    expect(Number(claims['exp']) - Number(claims['iat'])).to.equal(3600);
  });

  it('token response: the members and formats of Microsoft’s sample', async () => {
    const tokens = await loginTokens(emulator, 'work', {
      scope: 'openid profile email offline_access User.Read',
    });
    expectShapeOf(tokens, fixture('token-response.json'), 'token response');
  });

  it('token error: the members and formats of Microsoft’s sample', async () => {
    const res = await redeem(emulator, 'not-a-code');
    expect(res.status).to.equal(400);
    expectShapeOf(json(res), fixture('token-error.json'), 'token error');
  });

  it('Graph /me: the members and formats of Microsoft’s work and personal samples', async () => {
    for (const [account, file] of [
      ['work', 'graph-me-work.json'],
      ['personal', 'graph-me-personal.json'],
    ] as const) {
      const tokens = await loginTokens(emulator, account);
      const me = json(
        await raw(`${emulator.graphBaseURL}/me`, {
          headers: { Authorization: `Bearer ${String(tokens['access_token'])}` },
        }),
      );
      expectShapeOf(me, fixture(file), `/me ${account}`);
    }
  });

  it('a Gmail-created personal account has its address as userPrincipalName and mail null', async () => {
    const tokens = await loginTokens(emulator, 'personal-gmail');
    const me = json(
      await raw(`${emulator.graphBaseURL}/me`, {
        headers: { Authorization: `Bearer ${String(tokens['access_token'])}` },
      }),
    );
    expect(me['userPrincipalName']).to.equal('sam.rivera@gmail.com');
    expect(me['mail']).to.equal(null);
  });

  it('access tokens live 60 to 90 minutes, drawn per token; ID tokens an hour', async () => {
    const lifetimes = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const res = await redeem(emulator, await getCode(emulator, 'work'));
      const body = json(res);
      const expiresIn = Number(body['expires_in']);
      expect(expiresIn).to.be.within(3599, 5399);
      expect(body['ext_expires_in']).to.equal(expiresIn);
      const idToken = jwtPayload(String(body['id_token']));
      expect(Number(idToken['exp']) - Number(idToken['iat'])).to.equal(3600);
      lifetimes.add(expiresIn);
    }
    // 12 draws from 1801 values all equal would mean no drawing at all.
    expect(lifetimes.size).to.be.greaterThan(1);
    const fixed = await startEmulator({ accessTokenLifetimeSeconds: 600 });
    try {
      const body = json(await redeem(fixed, await getCode(fixed, 'work')));
      expect(body['expires_in']).to.equal(600);
    } finally {
      await fixed.close();
    }
  });
});
