/**
 * ID-token verification: RS256 signature with a key from the authority's JWKS, audience, times,
 * nonce, and Microsoft's issuer rules for single-tenant and multi-tenant authorities.
 */
import { CONSUMER_TENANT_ID, isGuid } from '../config/clouds.js';
import type { TenantKind } from '../config/clouds.js';
import { MicrosoftIdTokenError, MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, record, send } from '../clients/http.js';
import type { MicrosoftIdTokenClaims } from '../types.js';
import type { JwksCache, SigningKey } from './jwks.js';
import { verifyJwt } from './jwt.js';

/** Settings of an {@link IdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  clientID: string;
  tenantKind: TenantKind;
  /** Configured tenant (GUID or domain for single-tenant authorities). */
  tenant: string;
  /** ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  issuerBase: string;
  clockTolerance: number;
  /** The signing keys; `peek`, when there, hands over a cached key without a promise. */
  jwks: Pick<JwksCache, 'get'> & Partial<Pick<JwksCache, 'peek'>>;
  /**
   * For a domain tenant: its discovery document, read once for the tenant's exact issuer, and the
   * timeout of that call.
   */
  discovery?: { url: string; timeout: number };
  /**
   * For a customer identity authority: its exact issuer (from its discovery document). The token's
   * `iss` must equal it; Microsoft's workforce tenant rules do not apply.
   */
  issuer?: () => Promise<string>;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** What a login expects of its ID token. */
export interface VerifyExpectations {
  /** The nonce sent with the authorization request; `undefined` when none was sent. */
  nonce: string | undefined;
  /**
   * The tenant (GUID or domain) of a login that named one on a multi-tenant authority, with the
   * discovery URL of that tenant: the token must come from it.
   */
  tenant?: { tenant: string; discoveryURL: string } | undefined;
}

const TENANT_TEMPLATE = /\{tenantid\}/gi;

/** Verifies Microsoft identity platform v2.0 ID tokens for one strategy. */
export class IdTokenVerifier {
  readonly #o: IdTokenVerifierOptions;
  /** Domain tenants' issuers by discovery URL, once read (a failed read is forgotten, so a later login retries). */
  readonly #domainIssuers = new Map<string, Promise<string>>();

  constructor(options: IdTokenVerifierOptions) {
    this.#o = options;
  }

  /**
   * Verifies `token` and resolves with its claims; rejects with an {@link MicrosoftIdTokenError} whose
   * `code` says which check failed.
   */
  async verify(token: unknown, expect: VerifyExpectations): Promise<MicrosoftIdTokenClaims> {
    if (typeof token !== 'string' || token === '')
      throw new MicrosoftIdTokenError(
        'missing',
        'the token response has no id_token although the openid scope was requested',
      );
    // The signature (node:crypto, synchronous) and the registered claims (aud, exp, nbf, iat).
    const jwks = this.#o.jwks;
    const keyFor = (kid: string | undefined) =>
      (kid === undefined ? undefined : jwks.peek?.(kid)) ?? jwks.get(kid);
    const { payload, key } = await verifyJwt(token, keyFor, {
      audience: this.#o.clientID,
      clockTolerance: this.#o.clockTolerance,
      now: this.#o.now ?? Date.now,
    });
    const claims = payload as MicrosoftIdTokenClaims;
    if (this.#o.issuer !== undefined) await this.#checkExactIssuer(claims);
    else await this.#checkIssuer(claims, key, expect.tenant);
    if (expect.nonce !== undefined) {
      if (typeof claims.nonce !== 'string')
        throw new MicrosoftIdTokenError(
          'nonce',
          'the token has no nonce but the authorization request sent one',
        );
      if (claims.nonce !== expect.nonce)
        throw new MicrosoftIdTokenError(
          'nonce',
          'the nonce does not match the one sent with this login',
        );
    }
    return claims;
  }

  async #checkExactIssuer(claims: MicrosoftIdTokenClaims): Promise<void> {
    let expected: string;
    try {
      expected = await (this.#o.issuer as () => Promise<string>)();
    } catch (cause) {
      if (cause instanceof MicrosoftIdTokenError) throw cause;
      throw new MicrosoftIdTokenError(
        'issuer',
        `could not read the authority's issuer: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (claims.iss !== expected)
      throw new MicrosoftIdTokenError(
        'issuer',
        `iss ${JSON.stringify(claims.iss)} is not ${JSON.stringify(expected)}`,
      );
  }

  async #checkIssuer(
    claims: MicrosoftIdTokenClaims,
    key: SigningKey,
    perRequest: VerifyExpectations['tenant'],
  ): Promise<void> {
    const { issuerBase } = this.#o;
    const tenantKind = perRequest
      ? isGuid(perRequest.tenant)
        ? 'guid'
        : 'domain'
      : this.#o.tenantKind;
    const tenant = perRequest?.tenant ?? this.#o.tenant;
    const tid = claims.tid;
    const iss = claims.iss;
    if (typeof tid !== 'string' || !isGuid(tid))
      throw new MicrosoftIdTokenError('issuer', 'tid is missing or not a GUID');
    if (typeof iss !== 'string') throw new MicrosoftIdTokenError('issuer', 'iss is missing');
    const personal = tid.toLowerCase() === CONSUMER_TENANT_ID;
    // The configured account rule holds whatever tenant a login names: a per-login domain or GUID
    // that is the consumer tenant does not let a personal account into an "organizations" strategy.
    const accounts = this.#o.tenantKind;
    const named = perRequest ? `; the login named tenant ${perRequest.tenant}` : '';
    if (accounts === 'organizations' && personal)
      throw new MicrosoftIdTokenError(
        'tenant',
        `a personal Microsoft account signed in, but the authority is "organizations" (work and school accounts only)${named}`,
      );
    if (accounts === 'consumers' && !personal)
      throw new MicrosoftIdTokenError(
        'tenant',
        `a work or school account signed in, but the authority is "consumers" (personal accounts only)${named}`,
      );

    if (tenantKind === 'guid' && tid.toLowerCase() !== tenant.toLowerCase()) {
      throw new MicrosoftIdTokenError(
        'issuer',
        `the token was issued by tenant ${tid}, not the ${perRequest ? "login's" : 'configured'} tenant ${tenant}`,
      );
    }
    // A single-tenant authority (a tenant id or consumers) has exactly one issuer, spelled as
    // Microsoft spells tenant ids (lower case); multi-tenant authorities substitute the token's tid.
    const expectedTenant =
      tenantKind === 'consumers'
        ? CONSUMER_TENANT_ID
        : tenantKind === 'guid'
          ? tenant.toLowerCase()
          : tid;
    const expected = `${issuerBase}/${expectedTenant}/v2.0`;
    if (iss !== expected)
      throw new MicrosoftIdTokenError(
        'issuer',
        `iss ${JSON.stringify(iss)} is not ${JSON.stringify(expected)}`,
      );
    if (tenantKind === 'domain') {
      const discovery = perRequest
        ? { url: perRequest.discoveryURL, timeout: this.#o.discovery?.timeout ?? 10_000 }
        : this.#o.discovery;
      const domainIssuer = await this.#resolveDomainIssuer(tenant, discovery);
      if (domainIssuer !== iss)
        throw new MicrosoftIdTokenError(
          'issuer',
          `iss ${JSON.stringify(iss)} is not the issuer of ${tenant}`,
        );
    }
    // Bind the signing key to its issuer: a key whose issuer is a concrete tenant validates only
    // that tenant's tokens; a templated key validates any tenant after substituting tid. The
    // binding is compared within the cloud the key set was fetched from (its issuer base).
    const keyIssuer = withinCloud(key.issuer, issuerBase);
    if (keyIssuer.replace(TENANT_TEMPLATE, tid) !== iss) {
      throw new MicrosoftIdTokenError(
        'issuer',
        `the signing key ${key.kid ?? 'without kid'} is bound to issuer ${JSON.stringify(keyIssuer)}, which does not cover ${JSON.stringify(iss)}`,
      );
    }
  }

  /** Reads the domain tenant's exact issuer from its discovery document, once. */
  async #resolveDomainIssuer(
    tenant: string,
    discovery: IdTokenVerifierOptions['discovery'],
  ): Promise<string> {
    if (discovery === undefined)
      throw new MicrosoftIdTokenError(
        'issuer',
        `no discovery document is configured for tenant ${tenant}`,
      );
    let pending = this.#domainIssuers.get(discovery.url);
    if (pending === undefined) {
      pending = (async () => {
        const res = await send({
          method: 'GET',
          url: discovery.url,
          endpoint: 'discovery',
          headers: { accept: 'application/json' },
          timeout: discovery.timeout,
          maxBytes: 256 * 1024,
        });
        const issuer = record(parseJSON(res.body))?.['issuer'];
        if (res.status !== 200 || typeof issuer !== 'string') {
          throw new MicrosoftHttpError(
            'invalid_response',
            'discovery',
            describeURL(discovery.url),
            `Discovery document of ${tenant} has no issuer (HTTP ${res.status})`,
            { status: res.status },
          );
        }
        return issuer;
      })();
      if (this.#domainIssuers.size >= 256) this.#domainIssuers.clear();
      this.#domainIssuers.set(discovery.url, pending);
      const settled = pending;
      settled.catch(() => {
        if (this.#domainIssuers.get(discovery.url) === settled)
          this.#domainIssuers.delete(discovery.url);
      });
    }
    try {
      return await pending;
    } catch (cause) {
      throw new MicrosoftIdTokenError(
        'issuer',
        `could not read the issuer of tenant ${tenant}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

/** {@link withinCloud}'s results so far; bounded, since key sets are fetched from the network. */
const placedIssuers = new Map<string, string>();
const MAX_PLACED_ISSUERS = 256;

/**
 * A key's `issuer` member placed in the cloud its key set came from: the tenant part
 * (`/<tenant or {tenantid}>/v2.0`) is kept and put under `issuerBase`, since which cloud issued the
 * token is settled by the authority the keys were fetched from, not by the host a key names.
 */
function withinCloud(keyIssuer: string | undefined, issuerBase: string): string {
  if (keyIssuer === undefined) return `${issuerBase}/{tenantid}/v2.0`;
  // The same few keys sign every login: their placed issuers are kept, keyed by the strings alone.
  const key = `${issuerBase} ${keyIssuer}`;
  let placed = placedIssuers.get(key);
  if (placed === undefined) {
    placed = placeInCloud(keyIssuer, issuerBase);
    if (placedIssuers.size >= MAX_PLACED_ISSUERS) placedIssuers.clear();
    placedIssuers.set(key, placed);
  }
  return placed;
}

function placeInCloud(keyIssuer: string, issuerBase: string): string {
  let path: string;
  try {
    path = new URL(keyIssuer).pathname;
  } catch {
    return keyIssuer;
  }
  const tenant = /^\/([^/]+)\/v2\.0\/?$/.exec(path)?.[1];
  return tenant === undefined ? keyIssuer : `${issuerBase}/${decodeURIComponent(tenant)}/v2.0`;
}
