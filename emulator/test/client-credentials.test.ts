/**
 * `grant_type=client_credentials`: app-only tokens for `<resource>/.default`, authenticated by
 * secret, certificate or federated assertion; `roles` are the client's granted app roles; no ID
 * or refresh token; Microsoft's AADSTS answers for the request's mistakes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  X509Certificate,
  createPrivateKey,
  generateKeyPairSync,
  randomUUID,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import {
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_TENANT_ID,
  FEDERATED_AUDIENCE,
  startEmulator,
} from '../src/index.js';
import type { Emulator, EmulatorClientOptions } from '../src/index.js';
import { json, jwtHeader, jwtPayload, postForm, raw } from './helpers.js';
import type { RawResponse } from './helpers.js';
import type { JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };

const CERT = readFileSync(path.join(__dirname, 'fixtures', 'app-cert.pem'), 'utf8');
const KEY = createPrivateKey(readFileSync(path.join(__dirname, 'fixtures', 'app-key.pem'), 'utf8'));
const X5T = Buffer.from(new X509Certificate(CERT).fingerprint256.replace(/:/g, ''), 'hex').toString(
  'base64url',
);
const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'repo:contoso/daemon:ref:refs/heads/main';
const fed = generateKeyPairSync('rsa', { modulusLength: 2048 });
const API_URI = DEMO_API.api.applicationIdUri;
const V1_API = {
  clientID: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091',
  clientSecret: 'v1-api-secret',
  redirectUris: [],
  api: {
    applicationIdUri: 'https://contoso.example/reports',
    appRoles: ['Reports.Read.All', 'Reports.Write.All'],
    accessTokenVersion: 1 as const,
  },
};
const CERT_DAEMON = {
  clientID: '3c4d5e6f-7081-4923-8b4c-5d6e7f809102',
  certificates: [CERT],
  federatedCredentials: [
    {
      issuer: ISSUER,
      subject: SUBJECT,
      publicKey: fed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  ],
  redirectUris: [],
  appRoles: {
    [API_URI]: ['Tasks.Read.All', 'Not.Defined.By.The.Api'],
    [V1_API.clientID]: ['Reports.Read.All'],
    'https://graph.microsoft.com': ['User.Read.All'],
  },
};
const UNGRANTED = {
  clientID: '4d5e6f70-8192-4a34-9c5d-6e7f80910213',
  clientSecret: 'none-granted',
  redirectUris: [],
};

function jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
): string {
  const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

describe('emulator: client credentials (app-only tokens)', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let tokenURL: string;
  before(async () => {
    const clients: EmulatorClientOptions[] = [
      DEMO_API,
      DEMO_DAEMON_CLIENT,
      V1_API,
      CERT_DAEMON,
      UNGRANTED,
    ];
    emulator = await startEmulator({ clients });
    tokenURL = `${emulator.authority(DEMO_TENANT_ID)}/oauth2/v2.0/token`;
  });
  after(async () => {
    await emulator.close();
  });

  /** A client-credentials request with a secret. */
  function withSecret(
    scope: string | undefined,
    client: { clientID: string; clientSecret: string } = DEMO_DAEMON_CLIENT,
    url = tokenURL,
  ): Promise<RawResponse> {
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: client.clientID,
      client_secret: client.clientSecret,
    };
    if (scope !== undefined) form['scope'] = scope;
    return postForm(url, form);
  }

  /** A client-credentials request of CERT_DAEMON with a client assertion. */
  function withAssertion(assertion: string, scope = `${API_URI}/.default`): Promise<RawResponse> {
    return postForm(tokenURL, {
      grant_type: 'client_credentials',
      client_id: CERT_DAEMON.clientID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    });
  }

  function assertion(kind: 'certificate' | 'federated'): string {
    const now = Math.floor(Date.now() / 1000);
    return kind === 'certificate'
      ? jwt(
          { alg: 'RS256', typ: 'JWT', 'x5t#S256': X5T },
          {
            iss: CERT_DAEMON.clientID,
            sub: CERT_DAEMON.clientID,
            aud: tokenURL,
            jti: randomUUID(),
            nbf: now,
            exp: now + 300,
          },
          KEY,
        )
      : jwt(
          { alg: 'RS256', typ: 'JWT' },
          {
            iss: ISSUER,
            sub: SUBJECT,
            aud: FEDERATED_AUDIENCE,
            jti: randomUUID(),
            nbf: now,
            exp: now + 300,
          },
          fed.privateKey,
        );
  }

  /** Asserts an AADSTS error answer. */
  function expectError(res: RawResponse, status: number, error: string, code: number): void {
    expect(res.status, res.text).to.equal(status);
    const body = json(res);
    expect(body['error']).to.equal(error);
    expect(body['error_codes']).to.deep.equal([code]);
    expect(String(body['error_description'])).to.match(new RegExp(`^AADSTS${code}: `));
  }

  it('secret: an access token only, v2 app-only claims (idtyp app, roles, no scp), signed with the tenant keys', async () => {
    const res = await withSecret(`${API_URI}/.default`);
    expect(res.status, res.text).to.equal(200);
    const body = json(res);
    expect(Object.keys(body).sort()).to.deep.equal([
      'access_token',
      'expires_in',
      'ext_expires_in',
      'token_type',
    ]);
    expect(body['token_type']).to.equal('Bearer');
    const jose = await import('jose');
    const keys = json(
      await raw(`${emulator.authority(DEMO_TENANT_ID)}/discovery/v2.0/keys`),
    ) as unknown as JSONWebKeySet;
    const { payload } = await jose.jwtVerify(
      String(body['access_token']),
      jose.createLocalJWKSet(keys),
      {
        issuer: `${emulator.url}/${DEMO_TENANT_ID}/v2.0`,
        audience: DEMO_API.clientID,
        algorithms: ['RS256'],
      },
    );
    expect(payload).to.include({
      ver: '2.0',
      idtyp: 'app',
      azp: DEMO_DAEMON_CLIENT.clientID,
      azpacr: '1',
      tid: DEMO_TENANT_ID,
    });
    expect(payload['roles']).to.deep.equal(['Tasks.Read.All']);
    expect(payload['sub']).to.equal(payload['oid']);
    for (const user of ['scp', 'name', 'preferred_username', 'upn'])
      expect(payload, user).to.not.have.property(user);
  });

  it('the resource may be named by its application id; a domain tenant path works too', async () => {
    const res = await withSecret(
      `${DEMO_API.clientID}/.default`,
      DEMO_DAEMON_CLIENT,
      `${emulator.authority('contoso.com')}/oauth2/v2.0/token`,
    );
    expect(res.status, res.text).to.equal(200);
    expect(jwtPayload(String(json(res)['access_token']))['aud']).to.equal(DEMO_API.clientID);
  });

  it('certificate and federated assertions authenticate (azpacr 2); roles the API does not define are left out', async () => {
    for (const kind of ['certificate', 'federated'] as const) {
      const res = await withAssertion(assertion(kind));
      expect(res.status, `${kind}: ${res.text}`).to.equal(200);
      const claims = jwtPayload(String(json(res)['access_token']));
      expect(claims, kind).to.include({ azp: CERT_DAEMON.clientID, azpacr: '2', idtyp: 'app' });
      expect(claims['roles'], kind).to.deep.equal(['Tasks.Read.All']);
    }
  });

  it('v1 API: appid, appidacr, iss <origin>/<tid>/, aud the identifier requested, only the granted role', async () => {
    const res = await withAssertion(
      assertion('certificate'),
      `${V1_API.api.applicationIdUri}/.default`,
    );
    expect(res.status, res.text).to.equal(200);
    const claims = jwtPayload(String(json(res)['access_token']));
    expect(claims).to.include({
      ver: '1.0',
      aud: V1_API.api.applicationIdUri,
      iss: `${emulator.url}/${DEMO_TENANT_ID}/`,
      appid: CERT_DAEMON.clientID,
      appidacr: '2',
      idtyp: 'app',
    });
    expect(claims['roles']).to.deep.equal(['Reports.Read.All']);
    expect(claims).to.not.have.property('azp');
  });

  it('Graph: an app-only v1 JWT with a nonce header, roles only when Graph permissions are granted', async () => {
    const plain = await withSecret('https://graph.microsoft.com/.default');
    expect(plain.status, plain.text).to.equal(200);
    const token = String(json(plain)['access_token']);
    expect(jwtHeader(token)['nonce']).to.be.a('string');
    const claims = jwtPayload(token);
    expect(claims).to.include({
      aud: 'https://graph.microsoft.com',
      iss: `${emulator.url}/${DEMO_TENANT_ID}/`,
      appid: DEMO_DAEMON_CLIENT.clientID,
      idtyp: 'app',
      ver: '1.0',
    });
    expect(claims).to.not.have.property('roles');
    const granted = await withAssertion(
      assertion('certificate'),
      '00000003-0000-0000-c000-000000000000/.default',
    );
    expect(granted.status, granted.text).to.equal(200);
    expect(jwtPayload(String(json(granted)['access_token']))['roles']).to.deep.equal([
      'User.Read.All',
    ]);
  });

  it('AADSTS500011 for an unknown resource, 1002012 without /.default, 28000 for two resources, 900144 without scope', async () => {
    expectError(await withSecret('api://nobody/.default'), 400, 'invalid_resource', 500011);
    expectError(await withSecret(`${API_URI}/Tasks.Read`), 400, 'invalid_scope', 1002012);
    expectError(
      await withSecret(`${API_URI}/.default ${V1_API.api.applicationIdUri}/.default`),
      400,
      'invalid_scope',
      28000,
    );
    expectError(await withSecret(undefined), 400, 'invalid_request', 900144);
  });

  it('AADSTS501051 for a client granted none of the API roles', async () => {
    const res = await withSecret(`${API_URI}/.default`, UNGRANTED);
    expectError(res, 400, 'invalid_grant', 501051);
    expect(String(json(res)['error_description'])).to.include(`'${API_URI}'`);
  });

  it('AADSTS50059 on common and organizations; AADSTS7000215 for a wrong secret', async () => {
    for (const tenant of ['common', 'organizations'])
      expectError(
        await withSecret(
          `${API_URI}/.default`,
          DEMO_DAEMON_CLIENT,
          `${emulator.authority(tenant)}/oauth2/v2.0/token`,
        ),
        400,
        'invalid_request',
        50059,
      );
    expectError(
      await withSecret(`${API_URI}/.default`, {
        clientID: DEMO_DAEMON_CLIENT.clientID,
        clientSecret: 'wrong',
      }),
      401,
      'invalid_client',
      7000215,
    );
  });
});
