/**
 * A small Microsoft-shaped identity fixture for the ID-token tests: a JWKS endpoint per tenant
 * (`/{tenant}/discovery/v2.0/keys`) whose keys carry Microsoft's non-standard `issuer` and no `alg`,
 * a token endpoint that hands out ID tokens registered per authorization code, and a Graph `/me`.
 * Every request is counted; keys can be added, removed and rotated; the JWKS route can be failed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { tenantKind } from '../../lib/endpoints.js';
import { JwksCache } from '../../lib/idtoken/jwks.js';
import { IdTokenVerifier } from '../../lib/idtoken/verify.js';

export const CONSUMER_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** The work tenant the ID-token tests sign in to. */
export const WORK_TID = 'b9419818-09af-49c2-b0c3-653adc1f376e';
/** A tenant no test account belongs to. */
export const OTHER_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '6cb04018-a3f5-46a7-b995-940c78f5aef3';
export const CLIENT_SECRET = 'fixture-client-secret';

/** A signing key the fixture holds (published or not). */
export interface FixtureKey {
  kid: string;
  privateKey: jose.CryptoKey;
  publicKey: jose.CryptoKey;
  /** The JWK as published (no `alg`, Microsoft's `issuer`). */
  jwk: jose.JWK & { issuer?: string };
}

/** What the token endpoint answers for one authorization code or refresh token. */
export interface TokenAnswer {
  status?: number;
  body: Record<string, unknown>;
}

/** One request the fixture received. */
export interface SeenRequest {
  method: string;
  path: string;
  route: Route;
  form?: URLSearchParams;
  authorization?: string;
}

export type Route = 'jwks' | 'token' | 'graph.me' | 'discovery' | 'other';

/** How {@link IdpFixture.verifierFor} configures a verifier. */
export interface VerifierSetup {
  /** Tenant segment of the authority (default `common`). */
  tenant?: string;
  /** Seconds (default 300, the strategy's default). */
  clockTolerance?: number;
  /** Clock (ms) of the verifier and its key cache. */
  now: () => number;
  /** Where the key cache fetches keys (default: this fixture's JWKS for `tenant`). */
  jwksURL?: string;
}

export interface SignOptions {
  /** kid written to the header (default: the signing key's kid). */
  kid?: string;
  /** Key that signs (default: the key named by `kid`, else the first templated key). */
  key?: FixtureKey;
  /** Extra/overriding header members. */
  header?: Record<string, unknown>;
}

/** Seconds since the epoch. */
export function epoch(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}

export function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/** The fixture server. Create with {@link startFixture}. */
export class IdpFixture {
  readonly origin: string;
  readonly #server: http.Server;
  readonly #published: FixtureKey[] = [];
  readonly #seen: SeenRequest[] = [];
  #kidCounter = 0;
  /** HTTP status the JWKS route answers with instead of the key set (undefined = serve keys). */
  jwksFailure: number | undefined;
  /** Answers of the token endpoint, by authorization code or refresh token. */
  readonly tokenAnswers = new Map<string, TokenAnswer>();
  /** Graph /me bodies by access token. */
  readonly graphUsers = new Map<string, Record<string, unknown>>();
  /** Verified domains: domain → tenant id (for discovery documents fetched by domain). */
  readonly domains = new Map<string, string>();
  /** HTTP status the discovery route answers with instead of the document (undefined = serve it). */
  discoveryFailure: number | undefined;

  constructor(server: http.Server, origin: string) {
    this.#server = server;
    this.origin = origin;
  }

  /** Issuer of tokens from tenant `tid`. */
  issuer(tid: string): string {
    return `${this.origin}/${tid}/v2.0`;
  }

  /** The `issuer` member of a templated (multi-tenant) key. */
  get templatedIssuer(): string {
    return `${this.origin}/{tenantid}/v2.0`;
  }

  /** Authority URL for a tenant. */
  authority(tenant: string): string {
    return `${this.origin}/${tenant}`;
  }

  jwksURL(tenant: string): string {
    return `${this.origin}/${tenant}/discovery/v2.0/keys`;
  }

  /**
   * A verifier for the authority `${origin}/${tenant}` with a key cache of its own, configured as the
   * strategy configures one.
   */
  verifierFor(setup: VerifierSetup): { verifier: IdTokenVerifier; jwks: JwksCache } {
    const tenant = setup.tenant ?? 'common';
    const kind = tenantKind(tenant);
    if (kind === undefined) throw new Error(`bad tenant ${tenant}`);
    const jwks = new JwksCache({
      url: setup.jwksURL ?? this.jwksURL(tenant),
      timeout: 5000,
      now: setup.now,
    });
    const verifier = new IdTokenVerifier({
      clientID: CLIENT_ID,
      tenantKind: kind,
      tenant,
      issuerBase: this.origin,
      clockTolerance: setup.clockTolerance ?? 300,
      jwks,
      now: setup.now,
    });
    return { verifier, jwks };
  }

  /** Published keys, in order. */
  get keys(): readonly FixtureKey[] {
    return this.#published;
  }

  /** First published key with a templated issuer. */
  get templatedKey(): FixtureKey {
    const k = this.#published.find((p) => p.jwk.issuer === this.templatedIssuer);
    if (!k) throw new Error('no templated key published');
    return k;
  }

  /** First published key bound to the consumer tenant. */
  get consumerKey(): FixtureKey {
    const k = this.#published.find((p) => p.jwk.issuer === this.issuer(CONSUMER_TID));
    if (!k) throw new Error('no consumer-bound key published');
    return k;
  }

  /** Makes a key (not published). `issuer` undefined leaves the member out. */
  async makeKey(issuer: string | undefined, kid?: string): Promise<FixtureKey> {
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const exported = await jose.exportJWK(publicKey);
    this.#kidCounter += 1;
    const id =
      kid ??
      `fixture-key-${this.#kidCounter}-${b64url(globalThis.crypto.getRandomValues(new Uint8Array(6)))}`;
    const jwk: FixtureKey['jwk'] = {
      kty: 'RSA',
      use: 'sig',
      kid: id,
      x5t: id,
      n: exported.n ?? '',
      e: exported.e ?? '',
    };
    if (issuer !== undefined) jwk.issuer = issuer;
    return { kid: id, privateKey, publicKey, jwk };
  }

  publish(key: FixtureKey): void {
    this.#published.push(key);
  }

  unpublish(kid: string): void {
    const i = this.#published.findIndex((k) => k.kid === kid);
    if (i !== -1) this.#published.splice(i, 1);
  }

  /** Adds a fresh templated key and optionally drops the previous templated keys. Returns the new key. */
  async rotate(dropOld = false): Promise<FixtureKey> {
    const next = await this.makeKey(this.templatedIssuer);
    if (dropOld) {
      for (const k of [...this.#published])
        if (k.jwk.issuer === this.templatedIssuer) this.unpublish(k.kid);
    }
    this.publish(next);
    return next;
  }

  /** Signs `claims` as an RS256 JWT (default: with the templated key, or the consumer key for consumer tokens). */
  async sign(claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const byKid =
      options.kid !== undefined ? this.#published.find((k) => k.kid === options.kid) : undefined;
    const key =
      options.key ??
      byKid ??
      (claims['tid'] === CONSUMER_TID ? this.consumerKey : this.templatedKey);
    const header: jose.JWTHeaderParameters = {
      typ: 'JWT',
      alg: 'RS256',
      kid: options.kid ?? key.kid,
      ...options.header,
    };
    return new jose.SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
  }

  /** Every request seen, optionally of one route. */
  requests(route?: Route): SeenRequest[] {
    return route === undefined ? [...this.#seen] : this.#seen.filter((r) => r.route === route);
  }

  count(route: Route): number {
    return this.requests(route).length;
  }

  resetCounts(): void {
    this.#seen.length = 0;
  }

  jwksDocument(): { keys: Array<FixtureKey['jwk']> } {
    return { keys: this.#published.map((k) => ({ ...k.jwk })) };
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.origin);
    const path = url.pathname;
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    const authorization = req.headers.authorization;
    if (req.method === 'GET' && /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)) {
      this.#seen.push({ method: 'GET', path, route: 'jwks' });
      if (this.jwksFailure !== undefined) {
        json(this.jwksFailure, { error: 'temporarily_unavailable' });
        return;
      }
      json(200, this.jwksDocument());
      return;
    }
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && discovery) {
      this.#seen.push({ method: 'GET', path, route: 'discovery' });
      const tenant = decodeURIComponent(discovery[1] ?? '');
      if (this.discoveryFailure !== undefined) {
        json(this.discoveryFailure, { error: 'temporarily_unavailable' });
        return;
      }
      const lower = tenant.toLowerCase();
      const tid =
        lower === 'common' || lower === 'organizations'
          ? '{tenantid}'
          : lower === 'consumers'
            ? CONSUMER_TID
            : (this.domains.get(lower) ?? tenant);
      json(200, {
        issuer: this.issuer(tid),
        jwks_uri: this.jwksURL(tenant),
        id_token_signing_alg_values_supported: ['RS256'],
      });
      return;
    }
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
      const form = new URLSearchParams(body);
      this.#seen.push({ method: 'POST', path, route: 'token', form });
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) {
        json(401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
          error_codes: [7000215],
        });
        return;
      }
      const grant = form.get('grant_type');
      const handle = grant === 'refresh_token' ? form.get('refresh_token') : form.get('code');
      const answer = handle === null ? undefined : this.tokenAnswers.get(handle);
      if (answer === undefined) {
        json(400, {
          error: 'invalid_grant',
          error_description: 'AADSTS70000: The provided grant is invalid or malformed.',
          error_codes: [70000],
        });
        return;
      }
      // An authorization code is single use, as at Microsoft.
      if (grant !== 'refresh_token' && handle !== null) this.tokenAnswers.delete(handle);
      json(answer.status ?? 200, answer.body);
      return;
    }
    if (req.method === 'GET' && path === '/v1.0/me') {
      this.#seen.push({
        method: 'GET',
        path,
        route: 'graph.me',
        ...(authorization !== undefined ? { authorization } : {}),
      });
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const user = token === undefined ? undefined : this.graphUsers.get(token);
      if (user === undefined) {
        json(401, {
          error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
        });
        return;
      }
      json(200, user);
      return;
    }
    this.#seen.push({ method: req.method ?? 'GET', path, route: 'other' });
    json(404, { error: 'not_found' });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
  }
}

/**
 * Starts the fixture on 127.0.0.1 with Microsoft's key layout: two templated keys and one key bound
 * to the consumer tenant.
 */
export async function startFixture(): Promise<IdpFixture> {
  const holder: { fixture?: IdpFixture } = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => holder.fixture?.handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fixture = new IdpFixture(server, `http://127.0.0.1:${port}`);
  holder.fixture = fixture;
  fixture.publish(await fixture.makeKey(fixture.templatedIssuer));
  fixture.publish(await fixture.makeKey(fixture.templatedIssuer));
  fixture.publish(await fixture.makeKey(fixture.issuer(CONSUMER_TID)));
  return fixture;
}
