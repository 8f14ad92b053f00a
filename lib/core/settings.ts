/**
 * The core's settings of one application (scopes, PKCE, timeouts, profile, tenants), resolved
 * once from its options, and `resolveConfig`, which checks the options and puts the endpoints and
 * the settings together. A framework adapter resolves its own settings on top of these.
 */
import { resolveCredential } from '../clients/client-credentials.js';
import type { ClientCredential } from '../clients/client-credentials.js';
import { checkProductionCallbackURL } from '../config/callback-url.js';
import { isLoopbackHost } from '../config/clouds.js';
import { resolveEndpoints } from '../config/endpoints.js';
import type { ResolvedEndpoints } from '../config/endpoints.js';
import type { AuthorityKind } from '../config/clouds.js';
import { namedOptionErrors, optionError, parseScope } from '../config/option-checks.js';
import {
  CORE_OPTIONS,
  checkOptions,
  defaultedCoreSettings,
  optionValue,
} from '../config/options.js';
import type {
  DefaultedCoreSettings,
  SignInOptions,
  StrategyOptionsBase,
} from '../config/options.js';
import type { AllowedTenants } from '../types.js';

/** Default scopes with an Azure AD B2C authority: an ID token and a refresh token. */
export const B2C_SCOPE: readonly string[] = Object.freeze(['openid', 'offline_access']);

/** Options read by the endpoint resolver (config/endpoints.ts), not kept as settings. */
const ENDPOINT_OPTIONS = ['tenant', 'cloud', 'graphApiVersion'] as const;

/** Options with a plain default that are resolved further here. */
type Computed = (typeof ENDPOINT_OPTIONS)[number] | 'scope' | 'photo' | 'profileSource' | 'pkce';

/**
 * How one application signs users in, beyond its endpoints. Each core option with a plain default
 * in the option table (timeout, clockTolerance, addUPNAsEmail, tokenAuthMethod, logger, …) is here
 * under its own name, resolved to its value or default; the fields below are computed.
 */
export interface ResolvedSettings extends Omit<DefaultedCoreSettings, Computed> {
  /** Application (client) ID. */
  clientID: string;
  /** Client secret value, when the app authenticates with one. */
  clientSecret: string | undefined;
  /** How the app authenticates at the token endpoint (secret, certificate or federated assertion). */
  credential: ClientCredential;
  /** Redirect URI as configured (may be relative for the strategy). */
  callbackURL: string;
  /** Scopes of a login unless a request names its own. */
  scope: string[];
  /** Whether logins use PKCE (S256). */
  pkce: boolean;
  /** `false`, or the photo size to fetch (`'default'` for Graph's default size). */
  photo: false | string;
  /** Where the profile comes from. */
  profileSource: 'graph' | 'id_token';
  /** Tenants allowed to sign in (all when undefined). */
  allowedTenants: AllowedTenants | undefined;
  /** Extra headers on token requests. */
  customHeaders: StrategyOptionsBase['customHeaders'];
}

/** Everything the core needs, resolved once from the options. */
export type ResolvedConfig = ResolvedEndpoints & ResolvedSettings;

/** Behaviour settings from options already checked value by value. */
export function resolveSettings(
  options: StrategyOptionsBase,
  kind: AuthorityKind = 'workforce',
): ResolvedSettings {
  // Azure AD B2C has no Microsoft Graph /me for its users: its profile comes from the claims.
  const b2c = kind === 'b2c';
  const scope = parseScope(b2c ? (options.scope ?? B2C_SCOPE) : optionValue(options, 'scope'));
  if (scope.length === 0) {
    throw optionError(
      'option scope must name at least one scope (Microsoft rejects a request without one)',
    );
  }
  checkProductionCallbackURL(options.callbackURL, optionValue(options, 'allowInsecureCallbackURL'));
  const photoOption = optionValue(options, 'photo');
  const photo = photoOption === true ? 'default' : photoOption;
  const profileSource = b2c
    ? (options.profileSource ?? 'id_token')
    : optionValue(options, 'profileSource');
  const openid = scope.includes('openid');
  if (profileSource === 'id_token' && !openid)
    throw optionError('option profileSource "id_token" needs the openid scope');
  if (profileSource === 'id_token' && photo !== false) {
    throw optionError(
      'option photo needs profileSource "graph" (the photo comes from Microsoft Graph)',
    );
  }
  if (options.allowedTenants !== undefined && !openid) {
    throw optionError(
      'option allowedTenants needs the openid scope (the tenant comes from the ID token)',
    );
  }
  const {
    scope: _s,
    photo: _p,
    profileSource: _ps,
    pkce: _k,
    ...table
  } = defaultedCoreSettings(options, ENDPOINT_OPTIONS);
  return {
    ...table,
    clientID: options.clientID,
    clientSecret: options.clientSecret,
    credential: resolveCredential(options, () => Date.now()),
    callbackURL: options.callbackURL,
    scope,
    pkce: options.pkce ?? options.state ?? optionValue(options, 'pkce'),
    photo,
    profileSource,
    allowedTenants: options.allowedTenants,
    customHeaders: options.customHeaders,
  };
}

function isLoopbackURL(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

/**
 * Warnings about a risky configuration of the core, logged once when it is constructed: a
 * loopback authority (an emulator or a test double) while `NODE_ENV` is `production`.
 */
export function coreWarnings(config: ResolvedConfig): string[] {
  const warnings: string[] = [];
  const loopback = [config.authority, config.authorizationURL, config.tokenURL].some(isLoopbackURL);
  if (loopback && process.env['NODE_ENV'] === 'production') {
    warnings.push(
      `Microsoft sign-in is configured with a loopback authority (${config.authority}) while NODE_ENV is production: sign-ins go to a local emulator or test double, not to Microsoft`,
    );
  }
  return warnings;
}

/**
 * Checks the options a {@link MicrosoftSignIn} takes and resolves its endpoints and settings.
 * Option errors name `MicrosoftSignIn`.
 */
export function resolveConfig(options: SignInOptions): ResolvedConfig {
  return namedOptionErrors('MicrosoftSignIn', () => {
    checkOptions(options, CORE_OPTIONS);
    return resolveChecked(options);
  });
}

/** Endpoints and settings of options already checked value by value. */
export function resolveChecked(options: StrategyOptionsBase): ResolvedConfig {
  const endpoints = resolveEndpoints(options);
  return { ...endpoints, ...resolveSettings(options, endpoints.authorityKind) };
}
