/**
 * Interop: the client assertion this library signs for `clientCertificate` is accepted by another
 * implementation's token endpoint, oidc-provider's `private_key_jwt` client authentication (the
 * client_credentials grant keeps the exchange to one request).
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { resolveCredential } from '../../lib/clients/client-credentials.js';
import { MicrosoftTokenError } from '../../lib/errors.js';
import { TokenClient } from '../../lib/clients/token.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/credentials/${name}`, `file://${__filename}`), 'utf8');
const APP_KEY = fixture('app-key.pem');
const APP_CERT = fixture('app-cert.pem');
const OTHER_KEY = fixture('federated-issuer-key.pem');
const CLIENT_ID = 'interop-client';

interface ProviderLike {
  callback(): (req: unknown, res: unknown) => void;
}
type ProviderConstructor = new (issuer: string, config: Record<string, unknown>) => ProviderLike;

describe('interop: oidc-provider accepts our client assertion (private_key_jwt)', function () {
  this.timeout(20_000);
  let server: Server;
  let issuer: string;

  before(async () => {
    // oidc-provider ships no types; the test needs only its constructor and callback().
    const specifier = 'oidc-provider';
    const { default: Provider } = (await import(specifier)) as { default: ProviderConstructor };
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const jwk = createPublicKey(APP_KEY).export({ format: 'jwk' });
    const client = (alg: string): Record<string, unknown> => ({
      client_id: `${CLIENT_ID}-${alg}`,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: alg,
      jwks: { keys: [{ ...jwk, use: 'sig' }] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    });
    const provider = new Provider(issuer, {
      clients: [client('PS256'), client('RS256')],
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
      cookies: { keys: ['interop-test-cookie-key'] },
      jwks: { keys: [{ ...createPrivateKey(OTHER_KEY).export({ format: 'jwk' }), use: 'sig' }] },
      clientAuthSigningAlgValues: ['PS256', 'RS256'],
    });
    server.on('request', provider.callback());
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const algorithm of ['PS256', 'RS256'] as const) {
    it(`accepts a ${algorithm} assertion at its token endpoint`, async () => {
      const clientID = `${CLIENT_ID}-${algorithm}`;
      const tokens = new TokenClient({
        tokenURL: `${issuer}/token`,
        clientID,
        credential: resolveCredential({
          clientID,
          clientCertificate: { privateKey: APP_KEY, certificate: APP_CERT, algorithm },
        }),
        timeout: 5000,
      });
      const res = await tokens.request({ grant_type: 'client_credentials' });
      expect(res.access_token).to.be.a('string').and.not.equal('');
      expect(res.token_type).to.equal('Bearer');
    });
  }

  it('refuses an assertion signed with another key (invalid_client)', async () => {
    const clientID = `${CLIENT_ID}-PS256`;
    const tokens = new TokenClient({
      tokenURL: `${issuer}/token`,
      clientID,
      credential: resolveCredential({
        clientID,
        clientCertificate: { privateKey: OTHER_KEY, certificate: APP_CERT },
      }),
      timeout: 5000,
    });
    const err = await tokens.request({ grant_type: 'client_credentials' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MicrosoftTokenError);
    expect((err as MicrosoftTokenError).code).to.equal('invalid_client');
    expect((err as Error).message).not.to.include('PRIVATE KEY');
  });
});
