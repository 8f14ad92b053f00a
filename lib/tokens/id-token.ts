/**
 * ID-token verification: RS256 signature with a key from the authority's JWKS, audience, times,
 * nonce, and Microsoft's issuer rules for single-tenant and multi-tenant authorities.
 */
import { isGuid } from '../config/clouds.js';
import type { TenantKind } from '../config/clouds.js';
import { MicrosoftIdTokenError } from '../errors.js';
import { IssuerDocuments, checkExactIssuer, checkKeyIssuer, checkTokenTenant } from './issuer.js';
import type { IssuerFailure } from './issuer.js';
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

const idTokenFailure: IssuerFailure = (code, message) => new MicrosoftIdTokenError(code, message);

/** Verifies Microsoft identity platform v2.0 ID tokens for one strategy. */
export class IdTokenVerifier {
  readonly #o: IdTokenVerifierOptions;
  /** Domain tenants' issuers by discovery URL, once read (a failed read is forgotten, so a later login retries). */
  readonly #domainIssuers: IssuerDocuments;

  constructor(options: IdTokenVerifierOptions) {
    this.#o = options;
    this.#domainIssuers = new IssuerDocuments(options.discovery?.timeout ?? 10_000);
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
    const whose = perRequest ? "login's" : 'configured';
    const issuerTenant = checkTokenTenant(
      claims.tid,
      {
        tenantKind,
        tenant,
        whose,
        configured: this.#o.tenantKind,
        ...(perRequest ? { named: perRequest.tenant } : {}),
      },
      idTokenFailure,
    );
    const tid = claims.tid;
    const iss = claims.iss;
    if (typeof iss !== 'string') throw new MicrosoftIdTokenError('issuer', 'iss is missing');
    // A single-tenant authority (a tenant id or consumers) has exactly one issuer; multi-tenant
    // authorities substitute the token's tid.
    checkExactIssuer(iss, `${issuerBase}/${issuerTenant}/v2.0`, idTokenFailure);
    if (tenantKind === 'domain') {
      const url = perRequest ? perRequest.discoveryURL : this.#o.discovery?.url;
      const domainIssuer = await this.#resolveDomainIssuer(tenant, url);
      if (domainIssuer !== iss)
        throw new MicrosoftIdTokenError(
          'issuer',
          `iss ${JSON.stringify(iss)} is not the issuer of ${tenant}`,
        );
    }
    checkKeyIssuer(key, issuerBase, tid, iss, idTokenFailure);
  }

  /** Reads the domain tenant's exact issuer from its discovery document, once. */
  async #resolveDomainIssuer(tenant: string, url: string | undefined): Promise<string> {
    if (url === undefined)
      throw new MicrosoftIdTokenError(
        'issuer',
        `no discovery document is configured for tenant ${tenant}`,
      );
    try {
      return await this.#domainIssuers.get(url);
    } catch (cause) {
      throw new MicrosoftIdTokenError(
        'issuer',
        `could not read the issuer of tenant ${tenant}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}
