/**
 * Microsoft's national clouds (login, issuer and Graph hosts), the kinds of tenant an option may
 * name, and the kinds of authority (workforce, External ID, B2C, custom).
 */
import type { MicrosoftCloud } from '../types.js';

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
