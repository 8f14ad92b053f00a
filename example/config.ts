/**
 * Configuration of the sample app, read from environment variables and checked at start, so a
 * half-finished setup stops the app with a message saying what to fix instead of failing in the
 * middle of somebody's sign-in. Every variable is documented in `example/.env.example`.
 */
import { randomBytes } from 'node:crypto';
import { CLOUDS as CLOUD_HOSTS, isGuid, isTenant } from '../lib/config/clouds.js';
import type { MicrosoftCloud } from '../lib/types.js';

/** A setting is missing or invalid. The message names the variable and says what to change. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where sign-in happens: Microsoft's identity platform, or a local emulator of it. */
export interface MicrosoftSettings {
  /** Application (client) ID. */
  clientID: string;
  /** Client secret value. */
  clientSecret: string;
  /** `common`, `organizations`, `consumers`, a tenant id or a verified domain. */
  tenant: string;
  /** National cloud (ignored when `authority` is set). */
  cloud: MicrosoftCloud;
  /** Full authority URL, e.g. `${emulator.url}/common` (emulator mode). */
  authority?: string;
  /** Graph base URL, e.g. `${emulator.url}/v1.0` (emulator mode). */
  graphBaseURL?: string;
}

/** The web API the app protects and calls (see example/api.ts). */
export interface ApiSettings {
  /** The API's application (client) ID: its tokens' audience. */
  clientID: string;
  /** The delegated scope the app asks for to call it, e.g. `api://<id>/Tasks.Read`. */
  scope: string;
}

/** Express's `trust proxy` setting: off, a hop count, or addresses/subnets/names. */
export type TrustProxy = boolean | number | string;

/** How Microsoft sends the result back: a redirect (`query`) or an auto-submitted form (`form_post`). */
export type ResponseMode = 'query' | 'form_post';

/** Everything {@link createApp} needs. */
export interface AppConfig {
  /** The origin browsers use to reach the app, without a trailing slash, e.g. `https://app.example.com`. */
  baseURL: string;
  /** The app registration and where to sign in. */
  microsoft: MicrosoftSettings;
  /** The API of `/api/tasks`; default the app's own registration, scope `api://<its id>/Tasks.Read`. */
  api?: ApiSettings;
  /** Signs the session cookie; at least 32 characters. */
  sessionSecret: string;
  /** Express `trust proxy`. */
  trustProxy: TrustProxy;
  /** Response mode of the authorize request. */
  responseMode: ResponseMode;
  /** URL of the emulator when the app signs in against it (shown on the home page). */
  emulatorURL?: string;
}

/** The environment, checked. `microsoft` is absent in zero-config (emulator) mode. */
export interface EnvSettings {
  port: number;
  /** `BASE_URL`; absent = `http://localhost:<port the server listens on>`. */
  baseURL?: string;
  /** Set when `MICROSOFT_CLIENT_ID` and `MICROSOFT_CLIENT_SECRET` are. */
  microsoft?: MicrosoftSettings;
  /** `MICROSOFT_API_CLIENT_ID` / `MICROSOFT_API_SCOPE`, with the Microsoft credentials only. */
  api?: ApiSettings;
  /** Tenant to use against the emulator (`MICROSOFT_TENANT`, default `common`). */
  emulatorTenant: string;
  /** `SESSION_SECRET`, when set. */
  sessionSecret?: string;
  /** `REDIS_URL`, when set. */
  redisURL?: string;
  trustProxy: TrustProxy;
  responseMode: ResponseMode;
  /** `NODE_ENV === 'production'`. */
  production: boolean;
}

/** The environment variables the app reads. */
export type Env = Readonly<Record<string, string | undefined>>;

// Tenants, ids and clouds are checked with the library's own helpers, so the sample app accepts
// exactly what the strategy accepts.
const CLOUDS = Object.keys(CLOUD_HOSTS) as MicrosoftCloud[];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Shortest session secret accepted. */
export const MIN_SESSION_SECRET_LENGTH = 32;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function readPort(env: Env): number {
  const raw = value(env, 'PORT');
  if (raw === undefined) return 3000;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`PORT must be a TCP port number between 0 and 65535; got "${raw}"`);
  }
  return Number(raw);
}

/** Checks `BASE_URL` and returns it without a trailing slash. */
export function readBaseURL(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `BASE_URL must be an absolute URL such as https://app.example.com or http://localhost:3000; got "${raw}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `BASE_URL must start with https:// (or http:// for localhost); got "${raw}"`,
    );
  }
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.pathname !== '/'
  ) {
    throw new ConfigError(
      `BASE_URL must be only the origin browsers use to reach the app, e.g. https://app.example.com, with no path, query or credentials; got "${raw}"`,
    );
  }
  return url.origin;
}

function readTenant(raw: string | undefined): string {
  if (raw === undefined) return 'common';
  const lower = raw.toLowerCase();
  if (lower === 'common' || lower === 'organizations' || lower === 'consumers') return lower;
  if (isTenant(raw)) return raw;
  throw new ConfigError(
    `MICROSOFT_TENANT must be common, organizations, consumers, a Directory (tenant) ID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a verified domain such as contoso.onmicrosoft.com; got "${raw}"`,
  );
}

function readCloud(raw: string | undefined): MicrosoftCloud {
  if (raw === undefined) return 'global';
  const cloud = CLOUDS.find((c) => c === raw.toLowerCase());
  if (cloud === undefined)
    throw new ConfigError(`MICROSOFT_CLOUD must be one of ${CLOUDS.join(', ')}; got "${raw}"`);
  return cloud;
}

function readTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (lower === 'false' || lower === '0') return false;
  if (lower === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[0-9a-z.:/_, -]+$/i.test(raw)) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a number of proxy hops (e.g. 1), or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal; got "${raw}"`,
    );
  }
  return raw;
}

function readResponseMode(raw: string | undefined): ResponseMode {
  if (raw === undefined) return 'query';
  if (raw === 'query' || raw === 'form_post') return raw;
  throw new ConfigError(`MICROSOFT_RESPONSE_MODE must be query or form_post; got "${raw}"`);
}

function readMicrosoft(env: Env, tenant: string): MicrosoftSettings | undefined {
  const clientID = value(env, 'MICROSOFT_CLIENT_ID');
  const clientSecret = value(env, 'MICROSOFT_CLIENT_SECRET');
  const cloudRaw = value(env, 'MICROSOFT_CLOUD');
  if (clientID === undefined && clientSecret === undefined) {
    if (cloudRaw !== undefined) {
      throw new ConfigError(
        'MICROSOFT_CLOUD is set but MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are not: set both to sign in with Microsoft, or remove MICROSOFT_CLOUD to use the local emulator',
      );
    }
    return undefined;
  }
  if (clientID === undefined) {
    throw new ConfigError(
      "MICROSOFT_CLIENT_SECRET is set but MICROSOFT_CLIENT_ID is not: copy the Application (client) ID from the app registration's Overview page in the Microsoft Entra admin center",
    );
  }
  if (clientSecret === undefined) {
    throw new ConfigError(
      'MICROSOFT_CLIENT_ID is set but MICROSOFT_CLIENT_SECRET is not: create a client secret under Certificates & secrets and copy its Value',
    );
  }
  if (!isGuid(clientID)) {
    throw new ConfigError(
      `MICROSOFT_CLIENT_ID must be the Application (client) ID, a GUID such as 3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40, from the app registration's Overview page; got "${clientID}"`,
    );
  }
  if (isGuid(clientSecret)) {
    throw new ConfigError(
      "MICROSOFT_CLIENT_SECRET looks like the Secret ID (a GUID): copy the secret's Value column instead (it is shown only once, right after you create the secret)",
    );
  }
  return { clientID, clientSecret, tenant, cloud: readCloud(cloudRaw) };
}

/**
 * The API settings: `MICROSOFT_API_CLIENT_ID` (default `MICROSOFT_CLIENT_ID`: the app's own
 * registration exposes the API) and `MICROSOFT_API_SCOPE` (default `api://<API id>/Tasks.Read`).
 * Against the emulator the demo API is used, so setting them there is a mistake.
 */
function readApi(env: Env, microsoft: MicrosoftSettings | undefined): ApiSettings | undefined {
  const id = value(env, 'MICROSOFT_API_CLIENT_ID');
  const scope = value(env, 'MICROSOFT_API_SCOPE');
  if (microsoft === undefined) {
    if (id !== undefined || scope !== undefined)
      throw new ConfigError(
        'MICROSOFT_API_CLIENT_ID and MICROSOFT_API_SCOPE apply with MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET only: the emulator has its demo API built in',
      );
    return undefined;
  }
  if (id !== undefined && !isGuid(id))
    throw new ConfigError(
      `MICROSOFT_API_CLIENT_ID must be the API's Application (client) ID, a GUID, from its app registration's Overview page; got "${id}"`,
    );
  const clientID = id ?? microsoft.clientID;
  if (scope !== undefined && !/^(api|https?):\/\/\S+\/[^\s/]+$/.test(scope))
    throw new ConfigError(
      `MICROSOFT_API_SCOPE must be one scope of the API as Expose an API shows it, such as api://${clientID}/Tasks.Read; got "${scope}"`,
    );
  return { clientID, scope: scope ?? `api://${clientID}/Tasks.Read` };
}

/**
 * Warnings about a risky but allowed environment, for the server to print at start: the
 * emulator (which signs anybody in without a password) behind a public https `BASE_URL` while
 * `NODE_ENV` is unset, which looks like a deployment that forgot its Microsoft credentials.
 */
export function envWarnings(env: Env): string[] {
  const warnings: string[] = [];
  const emulatorMode =
    value(env, 'MICROSOFT_CLIENT_ID') === undefined &&
    value(env, 'MICROSOFT_CLIENT_SECRET') === undefined;
  const baseRaw = value(env, 'BASE_URL');
  let base: URL | undefined;
  try {
    base = baseRaw === undefined ? undefined : new URL(baseRaw);
  } catch {
    base = undefined;
  }
  if (
    emulatorMode &&
    base?.protocol === 'https:' &&
    !LOOPBACK_HOSTS.has(base.hostname) &&
    value(env, 'NODE_ENV') === undefined
  ) {
    warnings.push(
      `Warning: BASE_URL is the public address ${base.origin} but no MICROSOFT_CLIENT_ID is set, so sign-in goes to the built-in emulator, which signs anybody in without a password. Set the Microsoft credentials, or set NODE_ENV (development) if this is intended.`,
    );
  }
  return warnings;
}

/**
 * Reads and checks the environment.
 *
 * @throws ConfigError naming the variable to fix.
 */
export function readEnv(env: Env): EnvSettings {
  const port = readPort(env);
  const production = value(env, 'NODE_ENV') === 'production';
  const tenant = readTenant(value(env, 'MICROSOFT_TENANT'));
  const microsoft = readMicrosoft(env, tenant);
  const api = readApi(env, microsoft);
  const baseRaw = value(env, 'BASE_URL');
  const baseURL = baseRaw === undefined ? undefined : readBaseURL(baseRaw);
  const base = new URL(baseURL ?? 'http://localhost');
  const trustProxy = readTrustProxy(value(env, 'TRUST_PROXY'));
  const responseMode = readResponseMode(value(env, 'MICROSOFT_RESPONSE_MODE'));

  if (microsoft === undefined && production) {
    throw new ConfigError(
      'NODE_ENV is production but MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are not set: the built-in emulator signs anybody in without a password and is for development only',
    );
  }
  if (microsoft !== undefined && base.protocol === 'http:' && !LOOPBACK_HOSTS.has(base.hostname)) {
    throw new ConfigError(
      `BASE_URL must use https:// with Microsoft: only http://localhost redirect URIs are allowed over plain http; got "${base.origin}"`,
    );
  }
  if (base.protocol === 'https:' && trustProxy === false) {
    throw new ConfigError(
      'BASE_URL is https:// but TRUST_PROXY is not set: this app speaks plain http, so TLS ends at a proxy in front of it; set TRUST_PROXY (e.g. 1 for one proxy hop) so Express sees https and issues the secure session cookie',
    );
  }
  if (responseMode === 'form_post' && base.protocol !== 'https:') {
    throw new ConfigError(
      'MICROSOFT_RESPONSE_MODE=form_post needs an https:// BASE_URL: Microsoft POSTs the result from its own site, and browsers send the session cookie on such a cross-site POST only when it is SameSite=None; Secure',
    );
  }

  const sessionSecret = value(env, 'SESSION_SECRET');
  if (sessionSecret !== undefined && sessionSecret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new ConfigError(
      `SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters long (it has ${sessionSecret.length}); generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  }
  if (sessionSecret === undefined && microsoft !== undefined && production) {
    throw new ConfigError(
      `SESSION_SECRET is required when NODE_ENV is production: set it to a random string of at least ${MIN_SESSION_SECRET_LENGTH} characters, the same on every instance`,
    );
  }

  const redisURL = value(env, 'REDIS_URL');
  if (redisURL !== undefined) {
    let protocol: string | undefined;
    try {
      protocol = new URL(redisURL).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new ConfigError(
        `REDIS_URL must be a redis:// or rediss:// URL such as redis://localhost:6379; got "${redisURL.replace(/\/\/[^@/]*@/, '//…@')}"`,
      );
    }
  }

  const settings: EnvSettings = {
    port,
    emulatorTenant: tenant,
    trustProxy,
    responseMode,
    production,
  };
  if (baseURL !== undefined) settings.baseURL = baseURL;
  if (microsoft !== undefined) settings.microsoft = microsoft;
  if (api !== undefined) settings.api = api;
  if (sessionSecret !== undefined) settings.sessionSecret = sessionSecret;
  if (redisURL !== undefined) settings.redisURL = redisURL;
  return settings;
}

/** The local emulator the app signs in against when no Microsoft credentials are configured. */
export interface EmulatorTarget {
  /** Emulator base URL. */
  url: string;
  /** Authority, e.g. `${url}/common`. */
  authority: string;
  /** Graph base URL, `${url}/v1.0`. */
  graphBaseURL: string;
  /** The emulator's registered client. */
  clientID: string;
  clientSecret: string;
  /** The emulator's demo API. */
  api?: ApiSettings;
}

/**
 * Turns checked settings into the app's configuration. `port` is the port the server really listens
 * on (for the default BASE_URL); `emulator` is required when no Microsoft credentials are set.
 * `sessionSecretGenerated` tells the caller that sessions will not survive a restart.
 */
export function toAppConfig(
  settings: EnvSettings,
  port: number,
  emulator?: EmulatorTarget,
): { config: AppConfig; sessionSecretGenerated: boolean } {
  let microsoft = settings.microsoft;
  if (microsoft === undefined) {
    if (emulator === undefined)
      throw new ConfigError('No Microsoft credentials are configured and no emulator is running');
    microsoft = {
      clientID: emulator.clientID,
      clientSecret: emulator.clientSecret,
      tenant: settings.emulatorTenant,
      cloud: 'global',
      authority: emulator.authority,
      graphBaseURL: emulator.graphBaseURL,
    };
  }
  const sessionSecret = settings.sessionSecret ?? randomBytes(32).toString('base64url');
  const config: AppConfig = {
    baseURL: settings.baseURL ?? `http://localhost:${port}`,
    microsoft,
    sessionSecret,
    trustProxy: settings.trustProxy,
    responseMode: settings.responseMode,
  };
  if (settings.microsoft === undefined && emulator !== undefined) config.emulatorURL = emulator.url;
  const api = settings.microsoft === undefined ? emulator?.api : settings.api;
  if (api !== undefined) config.api = api;
  return { config, sessionSecretGenerated: settings.sessionSecret === undefined };
}
