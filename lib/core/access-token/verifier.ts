/**
 * The access-token verifier of an API: Microsoft's rules for v1 and v2 access tokens (issuers,
 * key sets, the signing key's issuer binding, Graph tokens, B2C and External ID), the JOSE checks
 * shared with ID tokens, a cache of verified tokens, and the API's policy on every call. Framework
 * free; {@link MicrosoftBearerStrategy} adapts it to a framework.
 */
import { DiscoveryCache, fetchDiscovery } from '../../clients/discovery.js';
import { isLoopbackHost } from '../../config/clouds.js';
import { MicrosoftAccessTokenError } from '../../errors.js';
import { JwksCache } from '../../tokens/jwks.js';
import type { SigningKey } from '../../tokens/jwks.js';
import {
  checkRegisteredClaims,
  checkSignature,
  decodePayload,
  keyNotFound,
  signingKeyId,
  splitJwt,
} from '../../tokens/jwt.js';
import type { JwtFailure, JwtOptions, SplitJwt } from '../../tokens/jwt.js';
import { VerifiedTokenCache, tokenHash } from './cache.js';
import { readAccessToken, refuseGraphToken, tokenVersion } from './claims.js';
import type { MicrosoftAccessToken } from './claims.js';
import { checkRequirements, resolveVerifierOptions } from './options.js';
import type { MicrosoftAccessTokenVerifierOptions, ResolvedVerifierConfig } from './options.js';
import { AccessTokenIssuers, unavailable } from './issuers.js';
import { applyPolicy } from './policy.js';
import type { AccessTokenRequirements } from './policy.js';

/** What a verifier may be given instead of what it would make itself. */
export interface AccessTokenVerifierDependencies {
  /** Clock in ms (tests). */
  clock?: () => number;
  /** @internal Options already resolved (an adapter resolves them under its own name). */
  resolvedConfig?: ResolvedVerifierConfig;
}

const refuse: JwtFailure = (code, message) => new MicrosoftAccessTokenError(code, message);
const WHO = 'MicrosoftAccessTokenVerifier';

/**
 * Verifies the access tokens Microsoft issues for one API (v1 and v2, user and app-only) and
 * applies the API's policy: tenants, client applications, scopes and app permissions.
 *
 * @example
 * ```ts
 * import { MicrosoftAccessTokenVerifier } from 'passport-microsoft-account';
 *
 * const verifier = new MicrosoftAccessTokenVerifier({
 *   clientID: '6cb04018-a3f5-46a7-b995-940c78f5aef3',
 *   tenant: 'b9419818-09af-49c2-b0c3-653adc1f376e',
 *   scopes: ['Notes.Read'],
 * });
 * async function caller(authorization: string) {
 *   const token = await verifier.verify(authorization.replace(/^Bearer /i, ''));
 *   return `${token.kind} ${token.id} of tenant ${token.tenantId}`;
 * }
 * ```
 */
export class MicrosoftAccessTokenVerifier {
  readonly #c: ResolvedVerifierConfig;
  readonly #now: () => number;
  readonly #cache: VerifiedTokenCache<SigningKey>;
  readonly #issuers: AccessTokenIssuers;
  /** The registered-claim rules (audience, tolerance, clock), made once. */
  readonly #claimRules: JwtOptions;
  /** v2 keys (every token of a customer authority); for those made once discovery answers. */
  #v2: JwksCache | undefined;
  /** v1 keys of a workforce authority. */
  readonly #v1: JwksCache | undefined;
  readonly #discovery: DiscoveryCache | undefined;
  readonly #checked = new WeakSet<object>();

  /**
   * @param options - see {@link MicrosoftAccessTokenVerifierOptions}; `clientID` and `tenant` or `authority` are required.
   * @param dependencies - a clock for tests.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(
    options: MicrosoftAccessTokenVerifierOptions,
    dependencies: AccessTokenVerifierDependencies = {},
  ) {
    const c = dependencies.resolvedConfig ?? resolveVerifierOptions(options, WHO);
    this.#c = c;
    this.#now = dependencies.clock ?? Date.now;
    this.#cache = new VerifiedTokenCache(c.cacheSize);
    const e = c.endpoints;
    if (e.authorityKind === 'workforce') {
      this.#v2 = this.#keySet(e.jwksURL);
      this.#v1 = this.#keySet(`${e.authority}/discovery/keys`);
    } else {
      const target = {
        kind: e.authorityKind,
        authority: e.authority,
        tenant: e.tenant,
        url: e.discoveryURL,
      };
      this.#discovery = new DiscoveryCache(() => fetchDiscovery(target, c.timeout));
    }
    this.#issuers = new AccessTokenIssuers(e, this.#discovery, c.timeout);
    this.#claimRules = {
      audience: c.audience,
      audienceMismatch: `aud is not one of this API's audiences (${c.audience.join(', ')}), compared exactly`,
      clockTolerance: c.clockTolerance,
      now: this.#now,
      fail: refuse,
    };
    if (isLoopbackHost(new URL(e.authority).hostname) && process.env['NODE_ENV'] === 'production')
      c.logger.warn(
        `${WHO} takes tokens of a loopback authority (${e.authority}) while NODE_ENV is production: tokens come from a local emulator or test double, not from Microsoft`,
      );
  }

  #keySet(url: string): JwksCache {
    const set: JwksCache = new JwksCache({
      url,
      timeout: this.#c.timeout,
      now: () => this.#now(),
      onKeysGone: (kids) => this.#cache.dropKeys(set, kids),
    });
    return set;
  }

  /** Key-set requests made so far (v1 and v2). */
  get keySetFetchCount(): number {
    return (this.#v2?.fetchCount ?? 0) + (this.#v1?.fetchCount ?? 0);
  }

  /**
   * Verifies an access token and applies the policy, with `requirements` (scopes, app
   * permissions) replacing the defaults for this call. Resolves with the frozen
   * {@link MicrosoftAccessToken}; rejects with a {@link MicrosoftAccessTokenError} whose `code`
   * says which check failed. A token verified before (same token, same key, still in time) is not
   * verified again, but the policy is applied on every call.
   */
  verify(token: string, requirements?: AccessTokenRequirements): Promise<MicrosoftAccessToken> {
    try {
      if (requirements !== undefined && !this.#checked.has(requirements)) {
        checkRequirements(requirements, `${WHO}.verify()`);
        this.#checked.add(requirements);
      }
      if (typeof token !== 'string' || token === '')
        throw new MicrosoftAccessTokenError('malformed', 'no token');
      const key = tokenHash(token);
      const c = this.#c;
      const hit = this.#cache.get(key, Math.floor(this.#now() / 1000), c.clockTolerance);
      const out =
        hit !== undefined
          ? applyPolicy(hit, c.policy, requirements)
          : this.#miss(token, key, requirements);
      return out instanceof Promise ? out : Promise.resolve(out);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #miss(token: string, hashKey: string, call: AccessTokenRequirements | undefined): Result {
    const jwt = splitJwt(token, refuse);
    const payload = decodePayload(jwt, refuse);
    refuseGraphToken(jwt.header, payload, this.#c.clientID);
    const kid = signingKeyId(jwt, refuse);
    const v1 = this.#v1 !== undefined && payload?.['ver'] === '1.0';
    const keys = v1 ? this.#v1 : this.#v2;
    const key = keys !== undefined && kid !== undefined ? keys.peek(kid) : undefined;
    if (keys === undefined || key === undefined)
      return this.#missAsync(jwt, payload, kid, v1, hashKey, call);
    checkSignature(jwt, kid, key, refuse);
    return this.#verified(payload, key, keys, hashKey, call);
  }

  async #missAsync(
    jwt: SplitJwt,
    payload: Record<string, unknown> | undefined,
    kid: string | undefined,
    v1: boolean,
    hashKey: string,
    call: AccessTokenRequirements | undefined,
  ): Promise<MicrosoftAccessToken> {
    let keys = v1 ? this.#v1 : this.#v2;
    if (keys === undefined) {
      let jwksURL: string;
      try {
        jwksURL = (await (this.#discovery as DiscoveryCache).get()).jwksURL;
      } catch (cause) {
        throw unavailable('metadata_unavailable', cause);
      }
      keys = this.#v2 ??= this.#keySet(jwksURL);
    }
    let key: SigningKey | undefined;
    try {
      key = await keys.get(kid);
    } catch (cause) {
      throw unavailable('jwks_unavailable', cause);
    }
    if (key === undefined) throw keyNotFound(kid, refuse);
    checkSignature(jwt, kid, key, refuse);
    return this.#verified(payload, key, keys, hashKey, call);
  }

  /** After the signature: the registered claims, the version, the issuer, then the policy. */
  #verified(
    payload: Record<string, unknown> | undefined,
    key: SigningKey,
    keys: JwksCache,
    hashKey: string,
    call: AccessTokenRequirements | undefined,
  ): Result {
    if (payload === undefined)
      throw refuse('malformed', 'the payload is not base64url of a JSON object');
    checkRegisteredClaims(payload, this.#claimRules);
    const version = tokenVersion(payload);
    const expected = this.#issuers.expected(version, payload);
    if (typeof expected === 'string')
      return this.#accept(payload, version, expected, key, keys, hashKey, call);
    return expected.then((issuer) =>
      this.#accept(payload, version, issuer, key, keys, hashKey, call),
    );
  }

  #accept(
    payload: Record<string, unknown>,
    version: 1 | 2,
    expected: string,
    key: SigningKey,
    keys: JwksCache,
    hashKey: string,
    call: AccessTokenRequirements | undefined,
  ): Result {
    this.#issuers.check(payload, expected, key);
    const token = readAccessToken(payload, version);
    // A key set's lone key without kid verifies too; only keys named by kid are cached against.
    if (key.kid !== undefined)
      this.#cache.set(hashKey, {
        token,
        exp: payload['exp'] as number,
        iat: payload['iat'] as number,
        nbf: payload['nbf'] as number | undefined,
        kid: key.kid,
        key,
        keys,
      });
    return applyPolicy(token, this.#c.policy, call);
  }
}

type Result = MicrosoftAccessToken | Promise<MicrosoftAccessToken>;
