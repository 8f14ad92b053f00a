/**
 * The Microsoft-shaped identity fixture of the ID-token tests, played by the emulator: one key set
 * served at every tenant path (`/{tenant}/discovery/v2.0/keys`) whose keys carry Microsoft's
 * `issuer` member and no `alg`, a token endpoint that answers ID tokens registered per authorization
 * code, and a Graph `/me` answering bodies registered per access token. Every request is counted;
 * keys can be added, removed and rotated; the JWKS and discovery routes can be failed. No HTTP
 * server of its own.
 */
import { startEmulator } from 'microsoft-identity-emulator';
import type {
  Emulator,
  EmulatorRequest,
  EmulatorSigningKey,
  EmulatorTokenAnswer,
} from 'microsoft-identity-emulator';
import { tenantKind } from '../../lib/config/clouds.js';
import { JwksCache } from '../../lib/tokens/jwks.js';
import { IdTokenVerifier } from '../../lib/tokens/id-token.js';

export const CONSUMER_TID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** The work tenant the ID-token tests sign in to. */
export const WORK_TID = 'b9419818-09af-49c2-b0c3-653adc1f376e';
/** A tenant no test account belongs to. */
export const OTHER_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '6cb04018-a3f5-46a7-b995-940c78f5aef3';
export const CLIENT_SECRET = 'fixture-client-secret';

/**
 * A signing key the fixture holds (published or not): the emulator's key, with the JWK as published
 * (no `alg`, Microsoft's `issuer`).
 */
export type FixtureKey = EmulatorSigningKey;

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

/** Token answers by code or refresh token, registered with the emulator as they are set. */
class TokenAnswers extends Map<string, TokenAnswer> {
  readonly #emulator: Emulator;

  constructor(emulator: Emulator) {
    super();
    this.#emulator = emulator;
  }

  override set(grant: string, answer: TokenAnswer): this {
    const registered: EmulatorTokenAnswer =
      answer.status === undefined
        ? { body: answer.body }
        : { status: answer.status, body: answer.body };
    this.#emulator.setTokenAnswer(grant, registered);
    return super.set(grant, answer);
  }

  override delete(grant: string): boolean {
    this.#emulator.setTokenAnswer(grant, null);
    return super.delete(grant);
  }

  override clear(): void {
    for (const grant of this.keys()) this.#emulator.setTokenAnswer(grant, null);
    super.clear();
  }
}

/** Verified domains (domain → tenant id), registered with the emulator as work-tenant domains. */
class Domains extends Map<string, string> {
  readonly #emulator: Emulator;

  constructor(emulator: Emulator) {
    super();
    this.#emulator = emulator;
  }

  #register(tids: Iterable<string>): void {
    for (const tid of new Set(tids)) {
      const domains = [...this.entries()].filter(([, t]) => t === tid).map(([d]) => d);
      this.#emulator.addTenant({ tenantId: tid, domains });
    }
  }

  override set(domain: string, tid: string): this {
    const previous = this.get(domain);
    super.set(domain, tid);
    this.#register(previous === undefined ? [tid] : [tid, previous]);
    return this;
  }

  override delete(domain: string): boolean {
    const previous = this.get(domain);
    const deleted = super.delete(domain);
    if (previous !== undefined) this.#register([previous]);
    return deleted;
  }

  override clear(): void {
    const tids = [...this.values()];
    super.clear();
    this.#register(tids);
  }
}

/** The fixture's name for an emulator route. */
function routeOf(request: EmulatorRequest): Route {
  const { route } = request;
  return route === 'jwks' || route === 'token' || route === 'graph.me' || route === 'discovery'
    ? route
    : 'other';
}

/** The fixture. Create with {@link startFixture}. */
export class IdpFixture {
  readonly origin: string;
  /** The emulator playing the fixture. */
  readonly emulator: Emulator;
  #jwksFailure: number | undefined;
  #discoveryFailure: number | undefined;
  /** Answers of the token endpoint, by authorization code or refresh token. */
  readonly tokenAnswers: Map<string, TokenAnswer>;
  /** Graph /me bodies by access token. */
  readonly graphUsers = new Map<string, Record<string, unknown>>();
  /** Verified domains: domain → tenant id (for discovery documents fetched by domain). */
  readonly domains: Map<string, string>;

  constructor(emulator: Emulator) {
    this.emulator = emulator;
    this.origin = emulator.url;
    this.tokenAnswers = new TokenAnswers(emulator);
    this.domains = new Domains(emulator);
    emulator.setFault('graph.me', (request) => {
      const authorization = request.headers.authorization;
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const user = token === undefined ? undefined : this.graphUsers.get(token);
      return user === undefined
        ? {
            type: 'respond',
            status: 401,
            json: {
              error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
            },
          }
        : { type: 'respond', json: user };
    });
  }

  /** HTTP status the JWKS route answers with instead of the key set (undefined = serve keys). */
  get jwksFailure(): number | undefined {
    return this.#jwksFailure;
  }

  set jwksFailure(status: number | undefined) {
    this.#jwksFailure = status;
    this.#fail('jwks', status);
  }

  /** HTTP status the discovery route answers with instead of the document (undefined = serve it). */
  get discoveryFailure(): number | undefined {
    return this.#discoveryFailure;
  }

  set discoveryFailure(status: number | undefined) {
    this.#discoveryFailure = status;
    this.#fail('discovery', status);
  }

  #fail(route: 'jwks' | 'discovery', status: number | undefined): void {
    this.emulator.setFault(
      route,
      status === undefined
        ? null
        : { type: 'respond', status, json: { error: 'temporarily_unavailable' } },
    );
  }

  /** Issuer of tokens from tenant `tid`. */
  issuer(tid: string): string {
    return this.emulator.issuer(tid);
  }

  /** The `issuer` member of a templated (multi-tenant) key. */
  get templatedIssuer(): string {
    return `${this.origin}/{tenantid}/v2.0`;
  }

  /** Authority URL for a tenant. */
  authority(tenant: string): string {
    return this.emulator.authority(tenant);
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
    return this.emulator.signingKeys();
  }

  /** First published key with a templated issuer. */
  get templatedKey(): FixtureKey {
    const k = this.keys.find((p) => p.jwk.issuer === this.templatedIssuer);
    if (!k) throw new Error('no templated key published');
    return k;
  }

  /** First published key bound to the consumer tenant. */
  get consumerKey(): FixtureKey {
    const k = this.keys.find((p) => p.jwk.issuer === this.issuer(CONSUMER_TID));
    if (!k) throw new Error('no consumer-bound key published');
    return k;
  }

  /** Makes a key (not published). `issuer` undefined leaves the member out. */
  makeKey(issuer: string | undefined, kid?: string): Promise<FixtureKey> {
    return this.emulator.createSigningKey({
      issuer: issuer ?? null,
      ...(kid !== undefined ? { kid } : {}),
    });
  }

  /** Publishes a key at every tenant path, with `key.jwk` as its JWK. */
  publish(key: FixtureKey): void {
    this.emulator.publishKey(key);
  }

  unpublish(kid: string): void {
    this.emulator.unpublishKey(kid);
  }

  /** Adds a fresh templated key and optionally drops the previous templated keys. Returns the new key. */
  async rotate(dropOld = false): Promise<FixtureKey> {
    const next = await this.makeKey(this.templatedIssuer);
    if (dropOld) {
      for (const k of this.keys) if (k.jwk.issuer === this.templatedIssuer) this.unpublish(k.kid);
    }
    this.publish(next);
    return next;
  }

  /** Signs `claims` as an RS256 JWT (default: with the templated key, or the consumer key for consumer tokens). */
  sign(claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const byKid =
      options.kid !== undefined ? this.keys.find((k) => k.kid === options.kid) : undefined;
    const key =
      options.key ??
      byKid ??
      (claims['tid'] === CONSUMER_TID ? this.consumerKey : this.templatedKey);
    return this.emulator.signIdToken(claims, {
      key,
      kid: options.kid ?? key.kid,
      ...(options.header !== undefined ? { header: options.header } : {}),
    });
  }

  /** Every request seen, optionally of one route. */
  requests(route?: Route): SeenRequest[] {
    const seen = this.emulator.requestLog().map((request): SeenRequest => {
      const name = routeOf(request);
      const authorization = request.headers.authorization;
      return {
        method: request.method,
        path: request.path,
        route: name,
        ...(name === 'token' ? { form: request.form } : {}),
        ...(name === 'graph.me' && authorization !== undefined ? { authorization } : {}),
      };
    });
    return route === undefined ? seen : seen.filter((r) => r.route === route);
  }

  count(route: Route): number {
    return this.requests(route).length;
  }

  resetCounts(): void {
    this.emulator.resetCounts();
  }

  jwksDocument(): { keys: Array<FixtureKey['jwk']> } {
    return { keys: this.keys.map((k) => ({ ...k.jwk })) };
  }

  close(): Promise<void> {
    return this.emulator.close();
  }
}

/**
 * Starts the fixture on 127.0.0.1 with Microsoft's key layout: two templated keys and one key bound
 * to the consumer tenant, every one served at every tenant path; every tenant id is a tenant.
 */
export async function startFixture(): Promise<IdpFixture> {
  const emulator = await startEmulator({
    clients: [
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: ['http://127.0.0.1/login/callback'],
      },
    ],
    anyTenantId: true,
  });
  const fixture = new IdpFixture(emulator);
  // The emulator serves its consumer-bound key at `common` and `consumers` only, as Microsoft does;
  // the fixture's one key set is served at every tenant path.
  emulator.publishKey(fixture.consumerKey);
  return fixture;
}
