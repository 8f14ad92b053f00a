/**
 * ID-token verification: RS256 signature with a key from the authority's JWKS, audience, times,
 * nonce, and Microsoft's issuer rules for single-tenant and multi-tenant authorities.
 */
import { CONSUMER_TENANT_ID, isGuid } from '../endpoints.js';
import type { TenantKind } from '../endpoints.js';
import { IdTokenError, MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, record, send } from '../http.js';
import { loadJose } from '../jose.js';
import type { MicrosoftIdTokenClaims } from '../types.js';
import type { JwksCache, SigningKey } from './jwks.js';

/** Settings of an {@link IdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  clientID: string;
  tenantKind: TenantKind;
  /** Configured tenant (GUID or domain for single-tenant authorities). */
  tenant: string;
  /** ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  issuerBase: string;
  clockTolerance: number;
  jwks: Pick<JwksCache, 'get'>;
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
// The signature may be empty here so that an unsigned (alg none) token is refused as 'algorithm'.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Three segments of canonical base64url (RFC 7515 section 2: no padding, no whitespace, unused
 * trailing bits zero), so one token has exactly one spelling. Lenient decoders would otherwise
 * accept whitespace or altered padding bits as the same token.
 */
function isCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  let start = 0;
  for (;;) {
    const end = token.indexOf('.', start);
    const stop = end === -1 ? token.length : end;
    const rest = (stop - start) % 4;
    if (rest === 1) return false;
    if (rest !== 0) {
      const last = B64URL.indexOf(token.charAt(stop - 1));
      if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) return false;
    }
    if (end === -1) return true;
    start = end + 1;
  }
}

/** Verifies Microsoft identity platform v2.0 ID tokens for one strategy. */
export class IdTokenVerifier {
  readonly #o: IdTokenVerifierOptions;
  /** Domain tenants' issuers by discovery URL, once read (a failed read is forgotten, so a later login retries). */
  readonly #domainIssuers = new Map<string, Promise<string>>();

  constructor(options: IdTokenVerifierOptions) {
    this.#o = options;
  }

  /**
   * Verifies `token` and resolves with its claims; rejects with an {@link IdTokenError} whose
   * `code` says which check failed.
   */
  async verify(token: unknown, expect: VerifyExpectations): Promise<MicrosoftIdTokenClaims> {
    if (typeof token !== 'string' || token === '')
      throw new IdTokenError(
        'missing',
        'the token response has no id_token although the openid scope was requested',
      );
    if (!isCompactJws(token))
      throw new IdTokenError(
        'malformed',
        'not a compact JWS (three dot-separated parts in canonical base64url)',
      );
    const jose = await loadJose();
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = jose.decodeProtectedHeader(token);
    } catch (cause) {
      throw new IdTokenError('malformed', 'the header is not base64url JSON', { cause });
    }
    if (header.alg !== 'RS256')
      throw new IdTokenError(
        'algorithm',
        `alg ${JSON.stringify(header.alg)} is not accepted; Microsoft signs ID tokens with RS256`,
      );
    if (typeof header.kid !== 'string' || header.kid === '')
      throw new IdTokenError('key_not_found', 'the header has no kid');
    const key = await this.#o.jwks.get(header.kid);
    if (key === undefined)
      throw new IdTokenError(
        'key_not_found',
        `no signing key with kid ${JSON.stringify(header.kid)} in the authority's JWKS`,
      );

    // jose checks the RS256 signature and the registered claims (aud, exp, nbf, iat presence).
    let payload: Record<string, unknown>;
    try {
      const now = this.#o.now?.();
      const result = await jose.jwtVerify(token, key.key, {
        algorithms: ['RS256'],
        audience: this.#o.clientID,
        clockTolerance: this.#o.clockTolerance,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        ...(now !== undefined ? { currentDate: new Date(now) } : {}),
      });
      payload = result.payload as Record<string, unknown>;
    } catch (cause) {
      throw mapJoseError(cause);
    }
    this.#checkTimesAndAudience(payload);
    const claims = payload as MicrosoftIdTokenClaims;
    if (this.#o.issuer !== undefined) await this.#checkExactIssuer(claims);
    else await this.#checkIssuer(claims, key, expect.tenant);
    if (expect.nonce !== undefined) {
      if (typeof claims.nonce !== 'string')
        throw new IdTokenError(
          'nonce',
          'the token has no nonce but the authorization request sent one',
        );
      if (claims.nonce !== expect.nonce)
        throw new IdTokenError('nonce', 'the nonce does not match the one sent with this login');
    }
    return claims;
  }

  #checkTimesAndAudience(payload: Record<string, unknown>): void {
    // Microsoft ID tokens carry one audience: this app. An array naming other apps too is refused.
    if (payload['aud'] !== this.#o.clientID)
      throw new IdTokenError('audience', "aud is not exactly this application's client id");
    const now = Math.floor((this.#o.now?.() ?? Date.now()) / 1000);
    const iat = payload['iat'];
    if (typeof iat === 'number' && iat > now + this.#o.clockTolerance)
      throw new IdTokenError('not_yet_valid', 'iat is in the future beyond the clock tolerance');
  }

  async #checkExactIssuer(claims: MicrosoftIdTokenClaims): Promise<void> {
    let expected: string;
    try {
      expected = await (this.#o.issuer as () => Promise<string>)();
    } catch (cause) {
      if (cause instanceof IdTokenError) throw cause;
      throw new IdTokenError(
        'issuer',
        `could not read the authority's issuer: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (claims.iss !== expected)
      throw new IdTokenError(
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
      throw new IdTokenError('issuer', 'tid is missing or not a GUID');
    if (typeof iss !== 'string') throw new IdTokenError('issuer', 'iss is missing');
    const personal = tid.toLowerCase() === CONSUMER_TENANT_ID;
    if (tenantKind === 'organizations' && personal)
      throw new IdTokenError(
        'tenant',
        'a personal Microsoft account signed in, but the authority is "organizations" (work and school accounts only)',
      );
    if (tenantKind === 'consumers' && !personal)
      throw new IdTokenError(
        'tenant',
        'a work or school account signed in, but the authority is "consumers" (personal accounts only)',
      );

    if (tenantKind === 'guid' && tid.toLowerCase() !== tenant.toLowerCase()) {
      throw new IdTokenError(
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
      throw new IdTokenError(
        'issuer',
        `iss ${JSON.stringify(iss)} is not ${JSON.stringify(expected)}`,
      );
    if (tenantKind === 'domain') {
      const discovery = perRequest
        ? { url: perRequest.discoveryURL, timeout: this.#o.discovery?.timeout ?? 10_000 }
        : this.#o.discovery;
      const domainIssuer = await this.#resolveDomainIssuer(tenant, discovery);
      if (domainIssuer !== iss)
        throw new IdTokenError(
          'issuer',
          `iss ${JSON.stringify(iss)} is not the issuer of ${tenant}`,
        );
    }
    // Bind the signing key to its issuer: a key whose issuer is a concrete tenant validates only
    // that tenant's tokens; a templated key validates any tenant after substituting tid.
    const keyIssuer = key.issuer ?? `${issuerBase}/{tenantid}/v2.0`;
    if (keyIssuer.replace(TENANT_TEMPLATE, tid) !== iss) {
      throw new IdTokenError(
        'issuer',
        `the signing key ${key.kid} is bound to issuer ${JSON.stringify(keyIssuer)}, which does not cover ${JSON.stringify(iss)}`,
      );
    }
  }

  /** Reads the domain tenant's exact issuer from its discovery document, once. */
  async #resolveDomainIssuer(
    tenant: string,
    discovery: IdTokenVerifierOptions['discovery'],
  ): Promise<string> {
    if (discovery === undefined)
      throw new IdTokenError('issuer', `no discovery document is configured for tenant ${tenant}`);
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
      throw new IdTokenError(
        'issuer',
        `could not read the issuer of tenant ${tenant}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

interface JoseLikeError {
  code?: unknown;
  claim?: unknown;
  reason?: unknown;
  message?: unknown;
}

function mapJoseError(cause: unknown): IdTokenError {
  const e = (cause ?? {}) as JoseLikeError;
  const message = typeof e.message === 'string' ? e.message : 'verification failed';
  switch (e.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new IdTokenError('signature', 'the signature does not verify with the signing key', {
        cause,
      });
    case 'ERR_JWT_EXPIRED':
      return new IdTokenError('expired', 'the token has expired (exp beyond the clock tolerance)', {
        cause,
      });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new IdTokenError('algorithm', message, { cause });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'aud')
        return new IdTokenError('audience', 'aud does not name this application', { cause });
      // A required claim that is absent or not a NumericDate is a malformed claim set, not a time check.
      if (e.reason === 'missing' || e.reason === 'invalid')
        return new IdTokenError('claims', message, { cause });
      if (e.claim === 'nbf' || e.claim === 'iat')
        return new IdTokenError(
          'not_yet_valid',
          `${String(e.claim)} is in the future beyond the clock tolerance`,
          { cause },
        );
      if (e.claim === 'exp') return new IdTokenError('expired', message, { cause });
      return new IdTokenError('claims', message, { cause });
    default:
      return new IdTokenError('malformed', message, { cause });
  }
}
