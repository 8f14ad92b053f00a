/**
 * Which issuer an access token must carry, by authority and token version: a customer authority's
 * discovered issuer (External ID, B2C: whatever `ver` says), `<issuer base>/<tenant>/v2.0` for a
 * workforce v2 token (and a domain tenant's discovered issuer), the issuer of the authority's v1
 * metadata with `{tenantid}` replaced for a v1 token. Synchronous once the documents are read.
 */
import type { DiscoveryCache } from '../../clients/discovery.js';
import type { ResolvedEndpoints } from '../../config/endpoints.js';
import { MicrosoftAccessTokenError } from '../../errors.js';
import {
  IssuerDocuments,
  TENANT_TEMPLATE,
  checkExactIssuer,
  checkKeyIssuer,
  checkTokenTenant,
} from '../../tokens/issuer.js';
import type { IssuerFailure } from '../../tokens/issuer.js';

const refuse: IssuerFailure = (code, message) => new MicrosoftAccessTokenError(code, message);

/** Microsoft's key and metadata errors as the verifier's own. */
export function unavailable(
  code: 'jwks_unavailable' | 'metadata_unavailable',
  cause: unknown,
): MicrosoftAccessTokenError {
  if (cause instanceof MicrosoftAccessTokenError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new MicrosoftAccessTokenError(code, message, { cause });
}

/** The issuer rules of one verifier. */
export class AccessTokenIssuers {
  readonly #e: ResolvedEndpoints;
  readonly #discovery: DiscoveryCache | undefined;
  readonly #documents: IssuerDocuments;
  readonly #v1Metadata: string;

  constructor(
    endpoints: ResolvedEndpoints,
    discovery: DiscoveryCache | undefined,
    timeout: number,
  ) {
    this.#e = endpoints;
    this.#discovery = discovery;
    this.#documents = new IssuerDocuments(timeout);
    this.#v1Metadata = `${endpoints.authority}/.well-known/openid-configuration`;
  }

  /**
   * The issuer `payload` must carry, after checking its `tid` against the authority (a string, or
   * a promise the first time a metadata document must be read).
   */
  expected(version: 1 | 2, payload: Record<string, unknown>): string | Promise<string> {
    const e = this.#e;
    if (this.#discovery !== undefined) {
      const known = this.#discovery.current?.issuer;
      if (known !== undefined) return known;
      return this.#discovery.get().then(
        (m) => m.issuer,
        (cause: unknown) => {
          throw unavailable('metadata_unavailable', cause);
        },
      );
    }
    const tid = payload['tid'];
    const rule = { tenantKind: e.tenantKind, tenant: e.tenant };
    const issuerTenant = checkTokenTenant(tid, rule, refuse);
    if (version === 2) {
      const expected = `${e.issuerBase}/${issuerTenant}/v2.0`;
      if (e.tenantKind !== 'domain') return expected;
      checkExactIssuer(payload['iss'], expected, refuse);
      return this.#document(e.discoveryURL, undefined);
    }
    return this.#document(this.#v1Metadata, tid as string);
  }

  /** A document's issuer, with `{tenantid}` replaced by `tid` when given. */
  #document(url: string, tid: string | undefined): string | Promise<string> {
    const finish = (issuer: string) =>
      tid === undefined ? issuer : issuer.replace(TENANT_TEMPLATE, tid);
    const known = this.#documents.peek(url);
    if (known !== undefined) return finish(known);
    return this.#documents.get(url).then(finish, (cause: unknown) => {
      throw unavailable('metadata_unavailable', cause);
    });
  }

  /**
   * `iss` against the expected issuer, then (workforce authorities) the signing key's `issuer`
   * member against the v2 issuer of the token's tenant, whatever the token's version.
   */
  check(
    payload: Record<string, unknown>,
    expected: string,
    key: { kid?: string | undefined; issuer?: string | undefined },
  ): void {
    checkExactIssuer(payload['iss'], expected, refuse);
    const e = this.#e;
    if (key.issuer === undefined || this.#discovery !== undefined) return;
    const tid = payload['tid'] as string;
    checkKeyIssuer(key, e.issuerBase, tid, `${e.issuerBase}/${tid}/v2.0`, refuse);
  }
}
