/**
 * Where sign-in happens: national clouds, tenants and explicit authorities, resolved into the
 * authorize, token, key-set, logout, discovery and Graph URLs of one application.
 */
import { optionError } from './option-checks.js';
import type { MicrosoftCloud } from '../types.js';
import { OPTION_TABLE, optionValue } from './options.js';
import type { StrategyOptionsBase } from './options.js';
import { CLOUDS, authorityKind, isLoopbackHost, isTenant, tenantKind } from './clouds.js';
import type { AuthorityKind, TenantKind } from './clouds.js';

/** The endpoints of one application, resolved once from its options. */
export interface ResolvedEndpoints {
  /** Workforce (templated endpoints) or a customer identity authority read from discovery. */
  authorityKind: AuthorityKind;
  /** The tenant the authority ends with (customer authorities: the tenant segment of the path). */
  tenant: string;
  /** How ID-token issuers are checked for that tenant. */
  tenantKind: TenantKind;
  /** `<origin>[/path]/<tenant>` with no trailing slash. */
  authority: string;
  /** Issuer base: ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  issuerBase: string;
  /** Authorize endpoint. */
  authorizationURL: string;
  /** Token endpoint. */
  tokenURL: string;
  /** Key set (JWKS) of ID-token signing keys. */
  jwksURL: string;
  /** End-session (logout) endpoint. */
  logoutURL: string;
  /** The authority's OpenID discovery document. */
  discoveryURL: string;
  /** Microsoft Graph base URL (`/me` is read from here). */
  graphBaseURL: string;
}

function absoluteHttpURL(value: string, key: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw optionError(`option ${key} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw optionError(`option ${key} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.search || url.hash) throw optionError(`option ${key} must not have a query or fragment`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw optionError(
      `option ${key} must use https; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]), got "${value}"`,
    );
  }
  return url;
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function resolveAuthority(
  options: StrategyOptionsBase,
  cloudName: MicrosoftCloud,
): Pick<ResolvedEndpoints, 'tenant' | 'tenantKind' | 'authority' | 'issuerBase' | 'authorityKind'> {
  const cloud = CLOUDS[cloudName];
  if (options.policy !== undefined && options.authority === undefined)
    throw optionError('option policy needs an authority (the B2C tenant on its login host)');
  if (options.authority !== undefined) {
    const url = absoluteHttpURL(options.authority, 'authority');
    const kind = authorityKind(url, options.policy);
    if (kind !== 'workforce') return customerAuthority(url, kind, options);
  }
  let tenant: string;
  let authority: string;
  let issuerBase: string;
  if (options.authority !== undefined) {
    if (options.tenant !== undefined) {
      throw optionError(
        'takes either authority or tenant, not both (the authority ends with the tenant)',
      );
    }
    const url = absoluteHttpURL(options.authority, 'authority');
    const segments = url.pathname.split('/').filter(Boolean);
    const last = segments.pop();
    if (last === undefined) {
      throw optionError(`option authority must end with a tenant, e.g. "${url.origin}/common"`);
    }
    tenant = decodeURIComponent(last);
    issuerBase = stripSlash(`${url.origin}/${segments.join('/')}`);
    authority = `${issuerBase}/${tenant}`;
  } else {
    tenant = optionValue(options, 'tenant');
    if (tenant.includes('/')) {
      throw optionError(
        `option tenant must be common, organizations, consumers, a tenant id or a domain, without slashes; got "${tenant}"`,
      );
    }
    authority = `${cloud.login}/${tenant}`;
    issuerBase = cloud.issuer;
  }
  const kind = tenantKind(tenant);
  if (kind === undefined) {
    throw optionError(
      `option tenant must be common, organizations, consumers, a tenant id (GUID) or a domain; got "${tenant}"`,
    );
  }
  if (cloudName !== 'global' && kind === 'consumers' && options.authority === undefined) {
    throw optionError(
      `option tenant "consumers" is not available in the ${cloudName} cloud: personal Microsoft accounts exist only in the global cloud`,
    );
  }
  return { tenant, tenantKind: kind, authority, issuerBase, authorityKind: 'workforce' };
}

/** A customer identity authority: checked for its kind's shape; endpoints come from discovery. */
function customerAuthority(
  url: URL,
  kind: Exclude<AuthorityKind, 'workforce'>,
  options: StrategyOptionsBase,
): Pick<ResolvedEndpoints, 'tenant' | 'tenantKind' | 'authority' | 'issuerBase' | 'authorityKind'> {
  if (options.tenant !== undefined) {
    throw optionError(
      'takes either authority or tenant, not both (the authority ends with the tenant)',
    );
  }
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname))
    throw optionError(`option authority must use https, got "${url.href}"`);
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const policy = options.policy;
  const tenantOk = (t: string | undefined): t is string => t !== undefined && isTenant(t);
  if (kind === 'external-id' && (segments.length !== 1 || !tenantOk(segments[0])))
    throw optionError(
      `option authority of Entra External ID must be https://<subdomain>.ciamlogin.com/<tenant id or domain>, got "${url.href}"`,
    );
  if (kind === 'b2c') {
    const expected = policy === undefined ? 2 : 1;
    if (!url.hostname.endsWith('.b2clogin.com') && policy === undefined)
      throw optionError('option authority on a B2C custom domain needs the policy option');
    if (
      url.hostname.endsWith('.b2clogin.com') &&
      (segments.length !== expected || !tenantOk(segments[0]))
    )
      throw optionError(
        `option authority of Azure AD B2C must be https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<policy> (or the policy option), got "${url.href}"`,
      );
  }
  if (segments.length === 0)
    throw optionError(
      `option authority must name a tenant in its path, e.g. "${url.origin}/<tenant>"`,
    );
  const base = stripSlash(`${url.origin}/${segments.map(encodeURIComponent).join('/')}`);
  return {
    authorityKind: kind,
    tenant: segments[0] ?? '',
    tenantKind: 'customer',
    authority: policy === undefined ? base : `${base}/${policy}`,
    issuerBase: url.origin,
  };
}

function resolveGraph(options: StrategyOptionsBase, cloudName: MicrosoftCloud): string {
  const { graphBaseURL, apiEntryPoint, graphApiVersion } = options;
  if (graphBaseURL !== undefined) {
    if (apiEntryPoint !== undefined || graphApiVersion !== undefined) {
      throw optionError('takes either graphBaseURL or apiEntryPoint/graphApiVersion, not both');
    }
    return stripSlash(absoluteHttpURL(graphBaseURL, 'graphBaseURL').href);
  }
  const origin =
    apiEntryPoint !== undefined
      ? stripSlash(absoluteHttpURL(apiEntryPoint, 'apiEntryPoint').href)
      : CLOUDS[cloudName].graph;
  const version = graphApiVersion ?? OPTION_TABLE.graphApiVersion.default;
  if (!/^[A-Za-z0-9.]+$/.test(version)) {
    throw optionError(`option graphApiVersion must look like "v1.0" or "beta", got "${version}"`);
  }
  return `${origin}/${version}`;
}

/**
 * Resolves every endpoint from the options (already checked value by value by `checkOptions`).
 * Throws a `TypeError` naming the option when options contradict each other.
 */
export function resolveEndpoints(options: StrategyOptionsBase): ResolvedEndpoints {
  const cloudName = optionValue(options, 'cloud');
  if (!Object.hasOwn(CLOUDS, cloudName)) {
    throw optionError(
      `option cloud must be one of ${Object.keys(CLOUDS).join(', ')}, got "${String(cloudName)}"`,
    );
  }
  const where = resolveAuthority(options, cloudName);
  const { authority } = where;
  const authorizationURL = options.authorizationURL ?? `${authority}/oauth2/v2.0/authorize`;
  const tokenURL = options.tokenURL ?? `${authority}/oauth2/v2.0/token`;
  absoluteHttpURL(authorizationURL.split('?')[0] ?? authorizationURL, 'authorizationURL');
  absoluteHttpURL(tokenURL, 'tokenURL');
  return {
    ...where,
    authorizationURL,
    tokenURL,
    jwksURL: `${authority}/discovery/v2.0/keys`,
    logoutURL: `${authority}/oauth2/v2.0/logout`,
    discoveryURL: `${authority}/v2.0/.well-known/openid-configuration`,
    graphBaseURL: resolveGraph(options, cloudName),
  };
}
