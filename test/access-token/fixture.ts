/**
 * A Microsoft-shaped authority for access-token tests on 127.0.0.1: per tenant path the v2 key set
 * (keys carry Microsoft's `issuer` member), the v1 key set (no `issuer`), the v1 metadata (its
 * issuer settable, `https://sts.windows.net/{tenantid}/` by default) and the v2 metadata; every
 * request counted; keys settable per set. Tokens are signed here with the fixture's keys.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MicrosoftAccessTokenVerifier } from '../../lib/core/access-token/verifier.js';
import type { MicrosoftAccessTokenVerifierOptions } from '../../lib/core/access-token/options.js';

export const API_ID = '6cb04018-a3f5-46a7-b995-940c78f5aef3';
export const CLIENT_APP = 'a9d3c4b2-1111-4c2e-9f00-00000000c11e';
export const TID = 'b9419818-09af-49c2-b0c3-653adc1f376e';
export const OTHER_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CONSUMER_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const USER_OID = '00000000-0000-0000-66f3-3332eca7ea81';
export const APP_OID = 'e1b2c3d4-0000-4000-8000-0000000000a1';
/** The clock of the tests, ms. */
export const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
export const NOW = Math.floor(NOW_MS / 1000);

/** A key of the fixture. */
export interface FixtureKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Microsoft's `issuer` member when published in a set that carries it. */
  issuer?: string;
}

function makeKey(kid: string, issuer?: string, bits = 2048): FixtureKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return { kid, ...pair, ...(issuer === undefined ? {} : { issuer }) };
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** Signs `claims` with `key` (RS256), header `{ typ, alg, kid }` plus `header`. */
export function signToken(
  claims: Record<string, unknown>,
  key: FixtureKey,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64url({ typ: 'JWT', alg: 'RS256', kid: key.kid, ...header })}.${b64url(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

function jwk(key: FixtureKey, withIssuer: boolean): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  return {
    kty: 'RSA',
    use: 'sig',
    kid: key.kid,
    n,
    e,
    ...(withIssuer && key.issuer !== undefined ? { issuer: key.issuer } : {}),
  };
}

/** A running authority. */
export class AuthorityFixture {
  readonly url: string;
  readonly #server: http.Server;
  /** Requests per path. */
  readonly hits = new Map<string, number>();
  /** Keys of the v2 set (with issuer) and of the v1 set. */
  v2Keys: FixtureKey[];
  v1Keys: FixtureKey[];
  /** Issuer of the v1 metadata of every tenant path. */
  v1Issuer = 'https://sts.windows.net/{tenantid}/';
  /** Extra routes (path → JSON body). */
  readonly routes = new Map<string, () => { status?: number; json: unknown }>();
  readonly keys: {
    templated: FixtureKey;
    shared: FixtureKey;
    bound: FixtureKey;
    v1only: FixtureKey;
  };

  constructor(server: http.Server, url: string) {
    this.#server = server;
    this.url = url;
    this.keys = {
      templated: makeKey('k-templated', `${url}/{tenantid}/v2.0`),
      shared: makeKey('k-shared'),
      bound: makeKey('k-bound', `${url}/${OTHER_TID}/v2.0`),
      v1only: makeKey('k-v1only'),
    };
    this.v2Keys = [this.keys.templated, this.keys.bound];
    this.v1Keys = [this.keys.templated, this.keys.shared, this.keys.v1only];
  }

  /** Requests to a path so far. */
  count(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** The v2 issuer of a tenant. */
  v2Iss(tid: string = TID): string {
    return `${this.url}/${tid}/v2.0`;
  }

  answer(path: string): { status: number; json: unknown } {
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const extra = this.routes.get(path);
    if (extra !== undefined) {
      const a = extra();
      return { status: a.status ?? 200, json: a.json };
    }
    const m =
      /^\/([^/]+)\/(discovery\/v2\.0\/keys|discovery\/keys|\.well-known\/openid-configuration|v2\.0\/\.well-known\/openid-configuration)$/.exec(
        path,
      );
    if (m === null) return { status: 404, json: { error: 'not_found' } };
    const tenant = m[1] as string;
    switch (m[2]) {
      case 'discovery/v2.0/keys':
        return { status: 200, json: { keys: this.v2Keys.map((k) => jwk(k, true)) } };
      case 'discovery/keys':
        return { status: 200, json: { keys: this.v1Keys.map((k) => jwk(k, false)) } };
      case '.well-known/openid-configuration':
        return {
          status: 200,
          json: {
            issuer: /^[0-9a-f-]{36}$/.test(tenant)
              ? this.v1Issuer.replace('{tenantid}', tenant)
              : this.v1Issuer,
            jwks_uri: `${this.url}/${tenant}/discovery/keys`,
          },
        };
      default:
        return {
          status: 200,
          json: {
            issuer: `${this.url}/${/^[0-9a-f-]{36}$/.test(tenant) ? tenant : TID}/v2.0`,
            jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
          },
        };
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Starts an authority on 127.0.0.1 (an ephemeral port). */
export async function startAuthority(): Promise<AuthorityFixture> {
  const holder: { fixture?: AuthorityFixture } = {};
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const { status, json } = (holder.fixture as AuthorityFixture).answer(path);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  holder.fixture = new AuthorityFixture(server, `http://127.0.0.1:${port}`);
  return holder.fixture;
}

/** Claims of a v2 user token for the API, from the fixture's tenant. */
export function userV2(
  f: AuthorityFixture,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    aud: API_ID,
    iss: f.v2Iss(),
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    name: 'Megan Bowen',
    oid: USER_OID,
    preferred_username: 'megan@contoso.example',
    scp: 'Notes.Read Notes.Write',
    sub: 'pairwise-subject-of-megan',
    tid: TID,
    azp: CLIENT_APP,
    azpacr: '1',
    ver: '2.0',
    ...extra,
  };
}

/** Claims of a v2 app-only token (client credentials). */
export function appV2(
  f: AuthorityFixture,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    aud: API_ID,
    iss: f.v2Iss(),
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    idtyp: 'app',
    oid: APP_OID,
    roles: ['Notes.Read.All'],
    sub: APP_OID,
    tid: TID,
    azp: CLIENT_APP,
    azpacr: '1',
    ver: '2.0',
    ...extra,
  };
}

/** Claims of a v1 user token (issuer from the v1 metadata, `appid`, `upn`). */
export function userV1(
  f: AuthorityFixture,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    aud: `api://${API_ID}`,
    iss: f.v1Issuer.replace('{tenantid}', TID),
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    name: 'Megan Bowen',
    oid: USER_OID,
    upn: 'megan@contoso.example',
    unique_name: 'megan@contoso.example',
    scp: 'Notes.Read',
    sub: 'pairwise-subject-of-megan',
    tid: TID,
    appid: CLIENT_APP,
    appidacr: '1',
    ver: '1.0',
    ...extra,
  };
}

/** Claims of a v1 app-only token. */
export function appV1(
  f: AuthorityFixture,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    aud: `api://${API_ID}`,
    iss: f.v1Issuer.replace('{tenantid}', TID),
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    oid: APP_OID,
    roles: ['Notes.Read.All'],
    sub: APP_OID,
    tid: TID,
    appid: CLIENT_APP,
    appidacr: '2',
    ver: '1.0',
    ...extra,
  };
}

/** Verifier options a test overrides; `undefined` leaves an option out. */
export type VerifierOverrides = {
  [K in keyof MicrosoftAccessTokenVerifierOptions]?:
    MicrosoftAccessTokenVerifierOptions[K] | undefined;
};

/**
 * A verifier for {@link API_ID} on the fixture's tenant {@link TID}, accepting app-only tokens with
 * `Notes.Read.All`, on the test's clock; `options` override those settings.
 */
export function testVerifier(
  f: AuthorityFixture,
  clock: () => number,
  options: VerifierOverrides = {},
): MicrosoftAccessTokenVerifier {
  return new MicrosoftAccessTokenVerifier(
    {
      clientID: API_ID,
      authority: `${f.url}/${TID}`,
      appPermissions: ['Notes.Read.All'],
      ...options,
    } as MicrosoftAccessTokenVerifierOptions,
    { clock },
  );
}
