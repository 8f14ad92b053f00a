/**
 * Option validation and endpoint resolution: tenants, national clouds and explicit authorities.
 */
import type { AllowedTenants, MicrosoftCloud, StrategyOptionsBase } from './types.js';

/** Tenant id of personal Microsoft accounts (the `consumers` tenant). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Default scopes: an ID token with profile and email, a refresh token, and Graph `/me`. */
export const DEFAULT_SCOPE: readonly string[] = Object.freeze([
  'openid',
  'profile',
  'email',
  'offline_access',
  'User.Read',
]);

/** Hosts of one national cloud. */
export interface CloudEndpoints {
  /** Origin of the login (authority) host. */
  login: string;
  /** Origin found in ID-token issuers (differs from `login` in China). */
  issuer: string;
  /** Origin of Microsoft Graph. */
  graph: string;
}

/** Login, issuer and Graph hosts per cloud (see the README's national clouds section). */
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

/**
 * Scopes as a list: a string is split on spaces or commas, each array entry on spaces; empty
 * entries are dropped. Used for the configured scopes and for per-request and refresh scopes.
 */
export function parseScope(scope: string | readonly string[]): string[] {
  return (
    typeof scope === 'string' ? scope.split(/[\s,]+/) : scope.flatMap((s) => s.split(/\s+/))
  ).filter(Boolean);
}

/** True for a GUID such as a tenant id. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_RE.test(value);
}

/** How the issuer of an ID token is checked for the configured tenant. */
export type TenantKind = 'common' | 'organizations' | 'consumers' | 'guid' | 'domain';

/** Classifies a tenant value; `undefined` when it is not a valid tenant. */
export function tenantKind(tenant: string): TenantKind | undefined {
  const t = tenant.toLowerCase();
  if (t === 'common' || t === 'organizations' || t === 'consumers') return t;
  if (t === CONSUMER_TENANT_ID) return 'consumers';
  if (GUID_RE.test(t)) return 'guid';
  if (DOMAIN_RE.test(t)) return 'domain';
  return undefined;
}

/** Everything the strategy needs, resolved once from the options. */
export interface ResolvedConfig {
  clientID: string;
  clientSecret: string;
  callbackURL: string;
  name: string;
  tenant: string;
  tenantKind: TenantKind;
  /** `<origin>[/path]/<tenant>` with no trailing slash. */
  authority: string;
  /** Issuer base: ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  issuerBase: string;
  authorizationURL: string;
  tokenURL: string;
  jwksURL: string;
  logoutURL: string;
  discoveryURL: string;
  graphBaseURL: string;
  scope: string[];
  state: boolean;
  pkce: boolean;
  timeout: number;
  clockTolerance: number;
  photo: false | 'default' | string;
  addUPNAsEmail: boolean;
  profileSource: 'graph' | 'id_token';
  /** Session key of the pending logins: the option, else `microsoft:<authorize host>:<clientID>`. */
  sessionKey: string;
  proxy: boolean;
  passReqToCallback: boolean;
  skipUserProfile: NonNullable<StrategyOptionsBase['skipUserProfile']>;
  allowedTenants: AllowedTenants | undefined;
}

const KNOWN_OPTIONS = new Set([
  'clientID',
  'clientSecret',
  'callbackURL',
  'name',
  'tenant',
  'cloud',
  'authority',
  'graphBaseURL',
  'apiEntryPoint',
  'graphApiVersion',
  'authorizationURL',
  'tokenURL',
  'scope',
  'state',
  'pkce',
  'store',
  'sessionKey',
  'proxy',
  'skipUserProfile',
  'customHeaders',
  'timeout',
  'photo',
  'addUPNAsEmail',
  'clockTolerance',
  'allowedTenants',
  'profileSource',
  'passReqToCallback',
  'scopeSeparator',
]);

const PHOTO_SIZES = new Set([
  '48x48',
  '64x64',
  '96x96',
  '120x120',
  '240x240',
  '360x360',
  '432x432',
  '504x504',
  '648x648',
]);

function fail(message: string): never {
  throw new TypeError(`MicrosoftStrategy ${message}`);
}

function requireString(options: Record<string, unknown>, key: string): string {
  const value = options[key];
  if (value === undefined || value === null || value === '') fail(`requires a ${key} option`);
  if (typeof value !== 'string') fail(`option ${key} must be a string`);
  return value;
}

function optionalString(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(`option ${key} must be a non-empty string`);
  return value;
}

function optionalBoolean(
  options: Record<string, unknown>,
  key: string,
  fallback: boolean,
): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`option ${key} must be true or false`);
  return value;
}

function absoluteHttpURL(value: string, key: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`option ${key} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`option ${key} must be an absolute http(s) URL, got "${value}"`);
  if (url.search || url.hash) fail(`option ${key} must not have a query or fragment`);
  return url;
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

/**
 * Validates the options and resolves every endpoint. Throws a `TypeError` naming the option and
 * what is wrong. Never mutates `input`.
 */
export function resolveConfig(input: StrategyOptionsBase): ResolvedConfig {
  if (input === null || typeof input !== 'object') fail('requires an options object');
  const options = input as unknown as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(`does not know the option "${key}"`);
  }
  const clientID = requireString(options, 'clientID');
  const clientSecret = requireString(options, 'clientSecret');
  const callbackURL = requireString(options, 'callbackURL');
  const name = optionalString(options, 'name') ?? 'microsoft';

  const cloudName = options['cloud'] ?? 'global';
  if (typeof cloudName !== 'string' || !Object.hasOwn(CLOUDS, cloudName)) {
    fail(
      `option cloud must be one of ${Object.keys(CLOUDS).join(', ')}, got "${String(cloudName)}"`,
    );
  }
  const cloud = CLOUDS[cloudName as MicrosoftCloud];

  const authorityOption = optionalString(options, 'authority');
  let tenant: string;
  let authority: string;
  let issuerBase: string;
  if (authorityOption !== undefined) {
    if (options['tenant'] !== undefined)
      fail('takes either authority or tenant, not both (the authority ends with the tenant)');
    const url = absoluteHttpURL(authorityOption, 'authority');
    const segments = url.pathname.split('/').filter(Boolean);
    const last = segments.pop();
    if (last === undefined)
      fail(`option authority must end with a tenant, e.g. "${url.origin}/common"`);
    tenant = decodeURIComponent(last);
    const base = stripSlash(`${url.origin}/${segments.join('/')}`);
    authority = `${base}/${tenant}`;
    issuerBase = base;
  } else {
    const t = options['tenant'] ?? 'common';
    if (typeof t !== 'string' || t === '') fail('option tenant must be a non-empty string');
    if (t.includes('/'))
      fail(
        `option tenant must be common, organizations, consumers, a tenant id or a domain, without slashes; got "${t}"`,
      );
    tenant = t;
    authority = `${cloud.login}/${tenant}`;
    issuerBase = cloud.issuer;
  }
  const kind = tenantKind(tenant);
  if (kind === undefined)
    fail(
      `option tenant must be common, organizations, consumers, a tenant id (GUID) or a domain; got "${tenant}"`,
    );
  if (cloudName !== 'global' && kind === 'consumers' && authorityOption === undefined) {
    fail(
      `option tenant "consumers" is not available in the ${cloudName} cloud: personal Microsoft accounts exist only in the global cloud`,
    );
  }

  let graphBaseURL: string;
  const graphOption = optionalString(options, 'graphBaseURL');
  const apiEntryPoint = optionalString(options, 'apiEntryPoint');
  const graphApiVersion = optionalString(options, 'graphApiVersion');
  if (graphOption !== undefined) {
    if (apiEntryPoint !== undefined || graphApiVersion !== undefined)
      fail('takes either graphBaseURL or apiEntryPoint/graphApiVersion, not both');
    graphBaseURL = stripSlash(absoluteHttpURL(graphOption, 'graphBaseURL').href);
  } else {
    const origin =
      apiEntryPoint !== undefined
        ? stripSlash(absoluteHttpURL(apiEntryPoint, 'apiEntryPoint').href)
        : cloud.graph;
    const version = graphApiVersion ?? 'v1.0';
    if (!/^[A-Za-z0-9.]+$/.test(version))
      fail(`option graphApiVersion must look like "v1.0" or "beta", got "${version}"`);
    graphBaseURL = `${origin}/${version}`;
  }

  const authorizationURL =
    optionalString(options, 'authorizationURL') ?? `${authority}/oauth2/v2.0/authorize`;
  const tokenURL = optionalString(options, 'tokenURL') ?? `${authority}/oauth2/v2.0/token`;
  absoluteHttpURL(authorizationURL.split('?')[0] ?? authorizationURL, 'authorizationURL');
  absoluteHttpURL(tokenURL, 'tokenURL');

  const rawScope = options['scope'] ?? DEFAULT_SCOPE;
  if (
    typeof rawScope !== 'string' &&
    !(Array.isArray(rawScope) && rawScope.every((s) => typeof s === 'string'))
  ) {
    fail('option scope must be a string or an array of strings');
  }
  const scope = parseScope(rawScope as string | readonly string[]);
  if (scope.length === 0)
    fail('option scope must name at least one scope (Microsoft rejects a request without one)');

  const state = optionalBoolean(options, 'state', true);
  const pkce = optionalBoolean(options, 'pkce', state);
  if (pkce && !state) fail('option pkce needs state: the PKCE verifier is kept with the state');
  if (options['store'] !== undefined) {
    const store = options['store'] as { store?: unknown; verify?: unknown } | null;
    if (
      store === null ||
      typeof store !== 'object' ||
      typeof store.store !== 'function' ||
      typeof store.verify !== 'function'
    ) {
      fail('option store must be an object with store() and verify() methods');
    }
    if (!state) fail('option store needs state: true');
  }
  const sessionKey =
    optionalString(options, 'sessionKey') ??
    `microsoft:${new URL(authorizationURL).host}:${clientID}`;

  const timeout = options['timeout'] ?? 10_000;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)
    fail(`option timeout must be a positive number of milliseconds, got ${String(timeout)}`);
  const clockTolerance = options['clockTolerance'] ?? 300;
  if (
    typeof clockTolerance !== 'number' ||
    !Number.isFinite(clockTolerance) ||
    clockTolerance < 0
  ) {
    fail(`option clockTolerance must be a number of seconds >= 0, got ${String(clockTolerance)}`);
  }

  const photoOption = options['photo'] ?? false;
  let photo: ResolvedConfig['photo'];
  if (photoOption === false) photo = false;
  else if (photoOption === true) photo = 'default';
  else if (typeof photoOption === 'string' && PHOTO_SIZES.has(photoOption)) photo = photoOption;
  else
    fail(
      `option photo must be true, false or one of ${[...PHOTO_SIZES].join(', ')}; got ${JSON.stringify(photoOption)}`,
    );

  const profileSource = options['profileSource'] ?? 'graph';
  if (profileSource !== 'graph' && profileSource !== 'id_token')
    fail(
      `option profileSource must be "graph" or "id_token", got ${JSON.stringify(profileSource)}`,
    );
  if (profileSource === 'id_token' && !scope.includes('openid'))
    fail('option profileSource "id_token" needs the openid scope');
  if (profileSource === 'id_token' && photo !== false)
    fail('option photo needs profileSource "graph" (the photo comes from Microsoft Graph)');

  const allowed = options['allowedTenants'];
  if (allowed !== undefined) {
    if (
      typeof allowed !== 'function' &&
      (!Array.isArray(allowed) || !allowed.every((t) => typeof t === 'string' && t !== ''))
    ) {
      fail('option allowedTenants must be an array of tenant ids or a function');
    }
    if (!scope.includes('openid'))
      fail('option allowedTenants needs the openid scope (the tenant comes from the ID token)');
  }
  const passReqToCallback = optionalBoolean(options, 'passReqToCallback', false);
  if (options['scopeSeparator'] !== undefined && options['scopeSeparator'] !== ' ') {
    fail('option scopeSeparator must be " " (Microsoft separates scopes with spaces)');
  }
  const addUPNAsEmail = optionalBoolean(options, 'addUPNAsEmail', false);
  const proxy = optionalBoolean(options, 'proxy', false);
  const skip = options['skipUserProfile'] ?? false;
  if (typeof skip !== 'boolean' && typeof skip !== 'function')
    fail('option skipUserProfile must be a boolean or a function');

  return {
    clientID,
    clientSecret,
    callbackURL,
    name,
    tenant,
    tenantKind: kind,
    authority,
    issuerBase,
    authorizationURL,
    tokenURL,
    jwksURL: `${authority}/discovery/v2.0/keys`,
    logoutURL: `${authority}/oauth2/v2.0/logout`,
    discoveryURL: `${authority}/v2.0/.well-known/openid-configuration`,
    graphBaseURL,
    scope,
    state,
    pkce,
    timeout,
    clockTolerance,
    photo,
    addUPNAsEmail,
    profileSource,
    sessionKey,
    proxy,
    passReqToCallback,
    skipUserProfile: skip as ResolvedConfig['skipUserProfile'],
    allowedTenants: allowed as AllowedTenants | undefined,
  };
}
