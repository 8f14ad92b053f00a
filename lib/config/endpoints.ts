/**
 * Where sign-in happens: national clouds, tenants and explicit authorities, resolved into the
 * authorize, token, key-set, logout, discovery and Graph URLs of one application.
 */
import { optionError } from './option-checks.js';
import type { MicrosoftCloud } from '../types.js';
import { OPTION_TABLE, optionValue } from './options.js';
import type { StrategyOptionsBase } from './options.js';

/** Tenant id of personal Microsoft accounts (the `consumers` tenant). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Hosts of one national cloud. */
export interface CloudEndpoints {
  /** Origin of the login (authority) host. */
  login: string;
  /** Origin found in ID-token issuers (differs from `login` in China). */
  issuer: string;
  /** Origin of Microsoft Graph. */
  graph: string;
}

/** Login, issuer and Graph hosts per cloud (see docs/tenants-and-clouds.md). */
export const CLOUDS: Readonly<Record<MicrosoftCloud, CloudEndpoints>> = Object.freeze({
  global: {
    login: 'https://login.microsoftonline.com',
    issuer: 'https://login.microsoftonline.com',
    graph: 'https://graph.microsoft.com',
  },
  usgov: {
    login: 'https://login.microsoftonline.us',
    issuer: 'https://login.microsoftonline.us',
    graph: 'https://graph.microsoft.us',
  },
  'usgov-dod': {
    login: 'https://login.microsoftonline.us',
    issuer: 'https://login.microsoftonline.us',
    graph: 'https://dod-graph.microsoft.us',
  },
  china: {
    login: 'https://login.chinacloudapi.cn',
    issuer: 'https://login.partner.microsoftonline.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
  },
});

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** True for a GUID such as a tenant id or an application (client) id. */
export function isGuid(value: unknown): boolean {
  return typeof value === 'string' && GUID_RE.test(value);
}

/**
 * How the issuer of an ID token is checked for the configured tenant; `customer` for authorities
 * read from their discovery document (External ID, B2C, other hosts), whose issuer is exact.
 */
export type TenantKind = 'common' | 'organizations' | 'consumers' | 'guid' | 'domain' | 'customer';

/**
 * What kind of authority signs users in: Microsoft's workforce login hosts (endpoints from the
 * templates), Entra External ID (`*.ciamlogin.com`), Azure AD B2C (`*.b2clogin.com` or a `policy`),
 * or any other host (`custom`, e.g. an External ID custom URL domain). All but `workforce` are read
 * from their OpenID discovery document.
 */
export type AuthorityKind = 'workforce' | 'external-id' | 'b2c' | 'custom';

/** Hosts of Microsoft's workforce login service in each cloud. */
export const WORKFORCE_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

/**
 * The kind of an authority URL. A loopback authority with the tenant as its only path segment
 * is the emulator in its workforce mode; with a longer path it is read from discovery.
 */
export function authorityKind(url: URL, policy: string | undefined): AuthorityKind {
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean);
  if (policy === undefined) {
    if (WORKFORCE_HOSTS.has(host)) return 'workforce';
    if (isLoopbackHost(host) && segments.length <= 1) return 'workforce';
  }
  if (host.endsWith('.ciamlogin.com')) return 'external-id';
  if (host.endsWith('.b2clogin.com') || policy !== undefined) return 'b2c';
  return 'custom';
}

/** Classifies a tenant value; `undefined` when it is not a valid tenant. */
export function tenantKind(tenant: string): TenantKind | undefined {
  const t = tenant.toLowerCase();
  if (t === 'common' || t === 'organizations' || t === 'consumers') return t;
  if (t === CONSUMER_TENANT_ID) return 'consumers';
  if (GUID_RE.test(t)) return 'guid';
  if (DOMAIN_RE.test(t)) return 'domain';
  return undefined;
}

/**
 * True for a value the `tenant` option accepts: `common`, `organizations`, `consumers`, a tenant
 * id (GUID) or a domain such as `contoso.onmicrosoft.com`. Apps that read the tenant from their
 * own configuration check it with this, so they accept exactly what the strategy accepts.
 */
export function isTenant(value: unknown): boolean {
  return typeof value === 'string' && tenantKind(value) !== undefined;
}

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

/** True for `localhost`, an address in 127.0.0.0/8 or `[::1]` (a URL's `hostname`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const parts = host.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
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
