/**
 * The endpoints of one login: the configured ones, a per-request tenant's (on a multi-tenant
 * workforce authority), or those of a customer identity authority's discovery document, read once.
 */
import type { AuthorityMetadata, DiscoveryCache } from '../clients/discovery.js';
import { tenantKind as kindOfTenant } from '../config/clouds.js';
import type { StrategyEndpoints } from '../types.js';
import type { ResolvedConfig } from './settings.js';

/** The endpoints a login talks to. */
export type LoginEndpointURLs = Pick<
  StrategyEndpoints,
  'authority' | 'authorizationURL' | 'tokenURL' | 'jwksURL' | 'logoutURL'
>;

/** Endpoints given as options, which win over discovered ones. */
export interface ExplicitEndpoints {
  authorizationURL?: string | undefined;
  tokenURL?: string | undefined;
}

/** Resolves the endpoints of each login of one configuration. */
export class LoginEndpoints {
  readonly #config: Readonly<ResolvedConfig>;
  readonly #explicit: ExplicitEndpoints;
  /** Customer identity authorities: the discovery document, read once. */
  readonly discovery: DiscoveryCache | undefined;

  constructor(
    config: Readonly<ResolvedConfig>,
    discovery: DiscoveryCache | undefined,
    explicit: ExplicitEndpoints,
  ) {
    this.#config = config;
    this.discovery = discovery;
    this.#explicit = explicit;
  }

  /** The configured endpoints (authorize, token, JWKS, logout, Graph), for diagnostics. */
  get configured(): StrategyEndpoints {
    const { authority, authorizationURL, tokenURL, jwksURL, logoutURL, graphBaseURL, issuerBase } =
      this.#config;
    return { authority, authorizationURL, tokenURL, jwksURL, logoutURL, graphBaseURL, issuerBase };
  }

  /** The endpoints of a login with `tenant` (a checked per-request tenant) or without. */
  async of(tenant: string | undefined): Promise<LoginEndpointURLs> {
    const c = this.#config;
    if (tenant !== undefined) {
      const authority = this.tenantAuthority(tenant);
      return {
        authority,
        authorizationURL: `${authority}/oauth2/v2.0/authorize`,
        tokenURL: `${authority}/oauth2/v2.0/token`,
        jwksURL: `${authority}/discovery/v2.0/keys`,
        logoutURL: `${authority}/oauth2/v2.0/logout`,
      };
    }
    if (this.discovery === undefined) return c;
    const m: AuthorityMetadata = await this.discovery.get();
    const o = this.#explicit;
    return {
      authority: c.authority,
      authorizationURL: o.authorizationURL ?? m.authorizationURL,
      tokenURL: o.tokenURL ?? m.tokenURL,
      jwksURL: m.jwksURL,
      logoutURL: m.logoutURL ?? c.logoutURL,
    };
  }

  /** The end-session endpoint: a customer authority's discovered one once read, else the configured one. */
  get logoutURL(): string {
    return this.discovery?.current?.logoutURL ?? this.#config.logoutURL;
  }

  /** The authority of a per-request tenant: the configured one with its tenant replaced. */
  tenantAuthority(tenant: string): string {
    const { authority, tenant: base } = this.#config;
    return `${authority.slice(0, authority.length - base.length)}${tenant}`;
  }

  /**
   * Checks a per-request tenant: only a GUID or a domain, only on a multi-tenant workforce
   * authority (common, organizations). `what` names the call in the error message.
   */
  checkTenant(tenant: unknown, what: string): string | undefined {
    if (tenant === undefined) return undefined;
    const kind = typeof tenant === 'string' ? kindOfTenant(tenant) : undefined;
    if (kind !== 'guid' && kind !== 'domain')
      throw new TypeError(
        `${what} option tenant must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com; got ${JSON.stringify(tenant)}`,
      );
    const config = this.#config;
    const base = config.tenantKind;
    if (config.authorityKind !== 'workforce' || (base !== 'common' && base !== 'organizations'))
      throw new TypeError(
        `${what} option tenant needs a multi-tenant authority (common or organizations); this one is ${config.authority}`,
      );
    return tenant as string;
  }
}
