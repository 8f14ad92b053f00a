/**
 * Client credentials without a socket: the certificate assertion's exact format and its cache,
 * federated assertions, and one test per option error, none of which quotes key material.
 */
import { readFileSync } from 'node:fs';
import {
  X509Certificate,
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  verify,
} from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import {
  ASSERTION_LIFETIME_SECONDS,
  JWT_BEARER_ASSERTION,
  resolveCredential,
  thumbprintBytes,
} from '../../lib/clients/client-credentials.js';
import type { CredentialOptions } from '../../lib/clients/client-credentials.js';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { SignInOptions } from '../../lib/config/options.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/credentials/${name}`, `file://${__filename}`), 'utf8');
const KEY = fixture('app-key.pem');
const CERT = fixture('app-cert.pem');
const EC_KEY = fixture('ec-key.pem');
const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';
const TOKEN_URL = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token';
const THUMBPRINT_HEX = new X509Certificate(CERT).fingerprint256.replace(/:/g, '');
const X5T = Buffer.from(THUMBPRINT_HEX, 'hex').toString('base64url');
const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

function parts(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  input: string;
  signature: Buffer;
} {
  const [h, c, s] = jwt.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>,
    input: `${h}.${c}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

function credential(extra: Partial<CredentialOptions>, now = (): number => NOW) {
  return resolveCredential({ clientID: CLIENT_ID, ...extra }, now);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('unit: client credentials', () => {
  describe('client certificate assertion', () => {
    it('is a PS256 JWT with x5t#S256, aud the token endpoint, iss = sub = client id, unique jti, 10 minutes', async () => {
      const fields = await credential({
        clientCertificate: { privateKey: KEY, thumbprintSha256: THUMBPRINT_HEX },
      }).fields(TOKEN_URL);
      expect(Object.keys(fields)).to.deep.equal(['client_assertion_type', 'client_assertion']);
      expect(fields['client_assertion_type']).to.equal(JWT_BEARER_ASSERTION);
      const jwt = parts(fields['client_assertion'] as string);
      expect(jwt.header).to.deep.equal({ alg: 'PS256', typ: 'JWT', 'x5t#S256': X5T });
      const iat = NOW / 1000;
      expect(jwt.claims).to.deep.include({
        aud: TOKEN_URL,
        iss: CLIENT_ID,
        sub: CLIENT_ID,
        nbf: iat,
        iat,
        exp: iat + ASSERTION_LIFETIME_SECONDS,
      });
      expect(jwt.claims['jti']).to.match(/^[0-9a-f-]{36}$/);
      const ok = verify(
        'sha256',
        Buffer.from(jwt.input),
        {
          key: createPublicKey(createPrivateKey(KEY)),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        jwt.signature,
      );
      expect(ok).to.equal(true);
    });

    it('signs RS256 when asked, and derives x5t#S256 from the certificate', async () => {
      const fields = await credential({
        clientCertificate: {
          privateKey: createPrivateKey(KEY),
          certificate: CERT,
          algorithm: 'RS256',
        },
      }).fields(TOKEN_URL);
      const jwt = parts(fields['client_assertion'] as string);
      expect(jwt.header).to.deep.equal({ alg: 'RS256', typ: 'JWT', 'x5t#S256': X5T });
      expect(
        verify(
          'sha256',
          Buffer.from(jwt.input),
          new X509Certificate(CERT).publicKey,
          jwt.signature,
        ),
      ).to.equal(true);
    });

    it('takes the thumbprint with colons or as base64url', () => {
      const colons = THUMBPRINT_HEX.match(/../g)?.join(':') ?? '';
      expect(thumbprintBytes(colons, 't').toString('base64url')).to.equal(X5T);
      expect(thumbprintBytes(X5T, 't').toString('base64url')).to.equal(X5T);
    });

    it('reuses one assertion for 8 minutes, then signs a new one', async () => {
      let now = NOW;
      const c = credential(
        { clientCertificate: { privateKey: KEY, certificate: CERT } },
        () => now,
      );
      const first = (await c.fields(TOKEN_URL))['client_assertion'];
      now += 8 * 60_000 - 1;
      expect((await c.fields(TOKEN_URL))['client_assertion']).to.equal(first);
      now += 1;
      const third = (await c.fields(TOKEN_URL))['client_assertion'];
      expect(third).not.to.equal(first);
      expect(parts(third as string).claims['jti']).not.to.equal(
        parts(first as string).claims['jti'],
      );
    });

    it('signs one assertion per token endpoint (audience)', async () => {
      const c = credential({ clientCertificate: { privateKey: KEY, certificate: CERT } });
      const other = TOKEN_URL.replace('contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com');
      const a = parts((await c.fields(TOKEN_URL))['client_assertion'] as string);
      const b = parts((await c.fields(other))['client_assertion'] as string);
      expect(a.claims['aud']).to.equal(TOKEN_URL);
      expect(b.claims['aud']).to.equal(other);
    });
  });

  describe('federated assertion', () => {
    it('asks the callback on every request when it returns a string', async () => {
      const callback = sinon.stub().returns('header.payload.signature');
      const c = credential({ clientAssertion: callback });
      expect(await c.fields(TOKEN_URL)).to.deep.equal({
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: 'header.payload.signature',
      });
      await c.fields(TOKEN_URL);
      expect(callback.callCount).to.equal(2);
      expect(callback.firstCall.args).to.deep.equal([{ tokenURL: TOKEN_URL }]);
    });

    it('reuses an assertion with expiresAt until a minute before it', async () => {
      let now = NOW;
      const callback = sinon
        .stub()
        .resolves({ assertion: 'a.b.c', expiresAt: new Date(NOW + 300_000) });
      const c = credential({ clientAssertion: callback }, () => now);
      await c.fields(TOKEN_URL);
      now += 240_000 - 1;
      await c.fields(TOKEN_URL);
      expect(callback.callCount).to.equal(1);
      now += 1;
      await c.fields(TOKEN_URL);
      expect(callback.callCount).to.equal(2);
    });

    it('rejects with a TypeError when the callback returns something else', async () => {
      const c = credential({ clientAssertion: () => ({}) as unknown as string });
      const err = await c.fields(TOKEN_URL).catch((e: unknown) => e);
      expect((err as Error).message).to.equal(
        'MicrosoftStrategy option clientAssertion must return a JWT string or { assertion, expiresAt }',
      );
    });

    it('rejects with a TypeError when the callback returns an empty assertion', async () => {
      const err = await credential({ clientAssertion: () => '' })
        .fields(TOKEN_URL)
        .catch((e: unknown) => e);
      expect((err as Error).message).to.equal(
        'MicrosoftStrategy option clientAssertion returned an empty assertion',
      );
    });
  });

  describe('option errors (a TypeError naming the option, without key material)', () => {
    const base: SignInOptions = {
      clientID: CLIENT_ID,
      callbackURL: 'https://app.example.com/cb',
    };
    const cases: Array<[string, Partial<SignInOptions>, string]> = [
      [
        'no credential',
        {},
        'MicrosoftSignIn requires a clientSecret option (or clientCertificate or clientAssertion instead)',
      ],
      [
        'a secret and a certificate',
        { clientSecret: 's', clientCertificate: { privateKey: KEY, certificate: CERT } },
        'MicrosoftSignIn takes exactly one of clientSecret, clientCertificate and clientAssertion; got clientSecret and clientCertificate',
      ],
      [
        'a certificate and an assertion',
        { clientCertificate: { privateKey: KEY, certificate: CERT }, clientAssertion: () => 'x' },
        'MicrosoftSignIn takes exactly one of clientSecret, clientCertificate and clientAssertion; got clientCertificate and clientAssertion',
      ],
      [
        'a certificate that is not an object',
        { clientCertificate: 'pem' as never },
        'MicrosoftSignIn option clientCertificate must be an object with privateKey and thumbprintSha256 or certificate',
      ],
      [
        'an assertion that is not a function',
        { clientAssertion: 'jwt' as never },
        'MicrosoftSignIn option clientAssertion must be a function returning the assertion',
      ],
      [
        'a private key that is not PEM',
        {
          clientCertificate: {
            privateKey: `-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----`,
            certificate: CERT,
          },
        },
        'MicrosoftSignIn option clientCertificate.privateKey is not a PEM private key',
      ],
      [
        'a private key that is neither a string nor a KeyObject',
        { clientCertificate: { privateKey: 42 as never, certificate: CERT } },
        'MicrosoftSignIn option clientCertificate.privateKey must be a PEM string or a private KeyObject',
      ],
      [
        'a key that is not RSA',
        { clientCertificate: { privateKey: EC_KEY, certificate: CERT } },
        'MicrosoftSignIn option clientCertificate.privateKey must be an RSA key; got ec',
      ],
      [
        'a SHA-1 thumbprint',
        { clientCertificate: { privateKey: KEY, thumbprintSha256: 'a'.repeat(40) } },
        'MicrosoftSignIn option clientCertificate.thumbprintSha256 must be a SHA-256 thumbprint (32 bytes: 64 hex digits or 43 base64url characters); got 20 bytes (that is a SHA-1 thumbprint)',
      ],
      [
        'a thumbprint that is neither hex nor base64url',
        { clientCertificate: { privateKey: KEY, thumbprintSha256: 'not a thumbprint!' } },
        'MicrosoftSignIn option clientCertificate.thumbprintSha256 must be a SHA-256 thumbprint (32 bytes: 64 hex digits or 43 base64url characters); got a value that is neither',
      ],
      [
        'a thumbprint that is not a string',
        { clientCertificate: { privateKey: KEY, thumbprintSha256: 5 as never } },
        'MicrosoftSignIn option clientCertificate.thumbprintSha256 must be a string',
      ],
      [
        'both a thumbprint and a certificate',
        {
          clientCertificate: {
            privateKey: KEY,
            thumbprintSha256: THUMBPRINT_HEX,
            certificate: CERT,
          },
        },
        'MicrosoftSignIn option clientCertificate takes either thumbprintSha256 or certificate, not both',
      ],
      [
        'neither a thumbprint nor a certificate',
        { clientCertificate: { privateKey: KEY } },
        'MicrosoftSignIn option clientCertificate needs thumbprintSha256 or certificate (the SHA-256 thumbprint goes in the x5t#S256 header)',
      ],
      [
        'a certificate that is not PEM',
        { clientCertificate: { privateKey: KEY, certificate: 'MIIB-not-a-certificate' } },
        'MicrosoftSignIn option clientCertificate.certificate is not a PEM certificate',
      ],
      [
        'a certificate that is not a string',
        { clientCertificate: { privateKey: KEY, certificate: 7 as never } },
        'MicrosoftSignIn option clientCertificate.certificate must be a PEM string',
      ],
      [
        'an unknown algorithm',
        { clientCertificate: { privateKey: KEY, certificate: CERT, algorithm: 'ES256' as never } },
        'MicrosoftSignIn option clientCertificate.algorithm must be "RS256" or "PS256", got "ES256"',
      ],
    ];
    for (const [what, extra, message] of cases) {
      it(`rejects ${what}`, () => {
        const err = errorOf(() => new MicrosoftSignIn({ ...base, ...extra }));
        expect(err).to.be.instanceOf(TypeError);
        expect(err.message).to.equal(message);
        expect(err.message).not.to.include('PRIVATE KEY');
        expect(err.message).not.to.include('c2VjcmV0');
        expect(err.message).not.to.include(KEY.split('\n')[1] ?? '-');
      });
    }

    it('names MicrosoftStrategy when the Strategy is given the options', () => {
      const err = errorOf(
        () =>
          new Strategy(
            { ...base, clientCertificate: { privateKey: EC_KEY, certificate: CERT } },
            () => undefined,
          ),
      );
      expect(err.message).to.equal(
        'MicrosoftStrategy option clientCertificate.privateKey must be an RSA key; got ec',
      );
    });

    it('accepts a generated RSA KeyObject', () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(
        () =>
          new MicrosoftSignIn({ ...base, clientCertificate: { privateKey, certificate: CERT } }),
      ).not.to.throw();
    });
  });
});
