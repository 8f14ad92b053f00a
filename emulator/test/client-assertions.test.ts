import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  X509Certificate,
  constants,
  createPrivateKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { DEFAULT_CLIENT, FEDERATED_AUDIENCE, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { json, postForm } from './helpers.js';

const CERT = readFileSync(path.join(__dirname, 'fixtures', 'app-cert.pem'), 'utf8');
const KEY = createPrivateKey(readFileSync(path.join(__dirname, 'fixtures', 'app-key.pem'), 'utf8'));
const X5T = Buffer.from(new X509Certificate(CERT).fingerprint256.replace(/:/g, ''), 'hex').toString(
  'base64url',
);
const APP = '11111111-aaaa-4bbb-8ccc-000000000001';
const GITHUB = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'repo:contoso/app:ref:refs/heads/main';
const fed = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
  pss = header['alg'] === 'PS256',
): string {
  const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign(
    'sha256',
    Buffer.from(input),
    pss
      ? {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : key,
  );
  return `${input}.${signature.toString('base64url')}`;
}

describe('emulator: client assertions at the token endpoint', () => {
  let emulator: Emulator;
  let tokenURL: string;
  before(async () => {
    emulator = await startEmulator({
      clients: [
        DEFAULT_CLIENT,
        {
          clientID: APP,
          certificates: [CERT],
          federatedCredentials: [
            {
              issuer: GITHUB,
              subject: SUBJECT,
              publicKey: fed.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
            },
          ],
          redirectUris: ['http://127.0.0.1/cb'],
        },
      ],
    });
    tokenURL = `${emulator.authority('common')}/oauth2/v2.0/token`;
  });
  after(() => emulator.close());

  const now = (): number => Math.floor(Date.now() / 1000);
  const certClaims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    aud: tokenURL,
    iss: APP,
    sub: APP,
    jti: `jti-${Math.random()}`,
    nbf: now(),
    iat: now(),
    exp: now() + 600,
    ...extra,
  });

  /** Authenticates with `assertion` on a refresh grant: 400 invalid_grant means the client passed. */
  async function authenticate(assertion: string): Promise<{ status: number; codes: unknown }> {
    const res = await postForm(tokenURL, {
      grant_type: 'refresh_token',
      refresh_token: 'unknown',
      client_id: APP,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    return { status: res.status, codes: json(res)['error_codes'] };
  }
  const accepted = { status: 400, codes: [9002313] };
  const refused = (code: number): { status: number; codes: number[] } => ({
    status: 401,
    codes: [code],
  });

  it('accepts a PS256 and an RS256 certificate assertion, and the same one again', async () => {
    for (const alg of ['PS256', 'RS256']) {
      const assertion = jwt({ alg, typ: 'JWT', 'x5t#S256': X5T }, certClaims(), KEY);
      expect(await authenticate(assertion)).to.deep.equal(accepted);
      expect(await authenticate(assertion)).to.deep.equal(accepted);
    }
  });

  it('refuses a signature by another key with AADSTS700027', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const assertion = jwt({ alg: 'RS256', 'x5t#S256': X5T }, certClaims(), other);
    expect(await authenticate(assertion)).to.deep.equal(refused(700027));
  });

  it('refuses an unknown thumbprint with AADSTS700027', async () => {
    const assertion = jwt({ alg: 'RS256', 'x5t#S256': 'A'.repeat(43) }, certClaims(), KEY);
    expect(await authenticate(assertion)).to.deep.equal(refused(700027));
  });

  it('refuses an expired assertion and one living over 10 minutes with AADSTS700024', async () => {
    const header = { alg: 'RS256', 'x5t#S256': X5T };
    const expired = certClaims({ nbf: now() - 1200, iat: now() - 1200, exp: now() - 600 });
    expect(await authenticate(jwt(header, expired, KEY))).to.deep.equal(refused(700024));
    const long = certClaims({ exp: now() + 3600 });
    expect(await authenticate(jwt(header, long, KEY))).to.deep.equal(refused(700024));
  });

  it('refuses another audience, a sub other than the client id and a missing jti', async () => {
    const header = { alg: 'RS256', 'x5t#S256': X5T };
    expect(
      await authenticate(jwt(header, certClaims({ aud: 'https://elsewhere.example/token' }), KEY)),
    ).to.deep.equal(refused(700022));
    expect(await authenticate(jwt(header, certClaims({ sub: 'x' }), KEY))).to.deep.equal(
      refused(700021),
    );
    expect(await authenticate(jwt(header, certClaims({ jti: undefined }), KEY))).to.deep.equal(
      refused(50027),
    );
  });

  it('refuses a client_assertion that is not a JWT with AADSTS50027', async () => {
    expect(await authenticate('not-a-jwt')).to.deep.equal(refused(50027));
  });

  it('accepts a federated assertion of a registered issuer and subject', async () => {
    const claims = {
      iss: GITHUB,
      sub: SUBJECT,
      aud: FEDERATED_AUDIENCE,
      iat: now(),
      nbf: now(),
      exp: now() + 300,
    };
    expect(await authenticate(jwt({ alg: 'RS256' }, claims, fed.privateKey))).to.deep.equal(
      accepted,
    );
    expect(
      await authenticate(
        jwt({ alg: 'RS256' }, { ...claims, sub: 'repo:evil/app' }, fed.privateKey),
      ),
    ).to.deep.equal(refused(700213));
    expect(
      await authenticate(jwt({ alg: 'RS256' }, { ...claims, aud: 'api://other' }, fed.privateKey)),
    ).to.deep.equal(refused(700212));
    expect(
      await authenticate(
        jwt({ alg: 'RS256' }, { ...claims, iss: 'https://other.example' }, fed.privateKey),
      ),
    ).to.deep.equal(refused(700211));
  });

  it('rejects a registration whose certificate is not PEM', async () => {
    const err = await startEmulator({
      clients: [{ clientID: APP, certificates: ['nope'], redirectUris: [] }],
    }).catch((e: unknown) => e);
    expect((err as Error).message).to.equal(
      `emulator client ${APP} has a certificate that is not PEM`,
    );
  });
});
