/**
 * Behaviour settings of one application (scopes, state and PKCE, timeouts, profile, tenants),
 * resolved once from its options, and `resolveConfig`, which checks the options and puts the
 * endpoints and the settings together.
 */
import { resolveCredential } from '../clients/client-credentials.js';
import type { ClientCredential } from '../clients/client-credentials.js';
import { callbackURLWarnings, checkProductionCallbackURL } from './callback-url.js';
import { isLoopbackHost, resolveEndpoints } from './endpoints.js';
import type { AuthorityKind, ResolvedEndpoints } from './endpoints.js';
import { EMIT_WARNING_LOGGER } from '../log.js';
import type { MicrosoftLogger } from '../log.js';

/** Default scopes with an Azure AD B2C authority: an ID token and a refresh token. */
export const B2C_SCOPE: readonly string[] = Object.freeze(['openid', 'offline_access']);
import {
  CORE_OPTIONS,
  DEFAULT_SCOPE,
  OPTION_TABLE,
  checkOptions,
  optionError,
  parseScope,
} from './options.js';
import type { OptionName } from './options.js';
import { SessionStateStore } from '../state/session-state-store.js';
import type { AllowedTenants, StateStore, StrategyOptionsBase } from '../types.js';

/** How one application signs users in, beyond its endpoints. */
export interface ResolvedSettings {
  /** Application (client) ID. */
  clientID: string;
  /** Client secret value, when the app authenticates with one. */
  clientSecret: string | undefined;
  /** How the app authenticates at the token endpoint (secret, certificate or federated assertion). */
  credential: ClientCredential;
  /** Redirect URI as configured (may be relative for the strategy). */
  callbackURL: string;
  /** A relative or http `callbackURL` (also one given per request) is accepted in production. */
  allowInsecureCallbackURL: boolean;
  /** Scopes of a login unless a request names its own. */
  scope: string[];
  /** Whether logins use PKCE (S256). */
  pkce: boolean;
  /** Milliseconds for each outbound HTTP call. */
  timeout: number;
  /** Seconds of clock skew tolerated on token times. */
  clockTolerance: number;
  /** `false`, or the photo size to fetch (`'default'` for Graph's default size). */
  photo: false | string;
  /** Whether a work account's UPN is added to `emails`. */
  addUPNAsEmail: boolean;
  /** Where the profile comes from. */
  profileSource: 'graph' | 'id_token';
  /** Tenants allowed to sign in (all when undefined). */
  allowedTenants: AllowedTenants | undefined;
  /** Extra headers on token requests. */
  customHeaders: StrategyOptionsBase['customHeaders'];
  /** How the client secret reaches the token endpoint. */
  tokenAuthMethod: 'client_secret_post' | 'client_secret_basic';
  /** Where one-time configuration warnings go. */
  logger: MicrosoftLogger;
}

/** What the Passport adapter reads on top of {@link ResolvedSettings}. */
export interface PassportSettings {
  name: string;
  state: boolean;
  /** Session key of the pending logins: the option, else `microsoft:<authorize host>:<clientID>`. */
  sessionKey: string;
  proxy: boolean;
  passReqToCallback: boolean;
  skipUserProfile: NonNullable<StrategyOptionsBase['skipUserProfile']>;
  /** Where pending logins are kept: the `store` option, else the session (`undefined` without state). */
  store: StateStore | undefined;
}

/** Everything the core needs, resolved once from the options. */
export type ResolvedConfig = ResolvedEndpoints & ResolvedSettings;

/** Everything the Passport adapter needs. */
export type ResolvedStrategyConfig = ResolvedConfig & PassportSettings;

/** Behaviour settings from options already checked value by value. */
export function resolveSettings(
  options: StrategyOptionsBase,
  kind: AuthorityKind = 'workforce',
): ResolvedSettings {
  // Azure AD B2C has no Microsoft Graph /me for its users: its profile comes from the claims.
  const b2c = kind === 'b2c';
  const scope = parseScope(options.scope ?? (b2c ? B2C_SCOPE : DEFAULT_SCOPE));
  if (scope.length === 0) {
    throw optionError(
      'option scope must name at least one scope (Microsoft rejects a request without one)',
    );
  }
  const allowInsecureCallbackURL = options.allowInsecureCallbackURL ?? false;
  checkProductionCallbackURL(options.callbackURL, allowInsecureCallbackURL);
  const photoOption = options.photo ?? false;
  const photo = photoOption === true ? 'default' : photoOption;
  const profileSource = options.profileSource ?? (b2c ? 'id_token' : 'graph');
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
  return {
    clientID: options.clientID,
    clientSecret: options.clientSecret,
    credential: resolveCredential(options, () => Date.now()),
    callbackURL: options.callbackURL,
    allowInsecureCallbackURL,
    scope,
    pkce: options.pkce ?? options.state ?? true,
    timeout: options.timeout ?? 10_000,
    clockTolerance: options.clockTolerance ?? 300,
    photo,
    addUPNAsEmail: options.addUPNAsEmail ?? false,
    profileSource,
    allowedTenants: options.allowedTenants,
    customHeaders: options.customHeaders,
    tokenAuthMethod: options.tokenAuthMethod ?? 'client_secret_post',
    logger: options.logger ?? EMIT_WARNING_LOGGER,
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
 * Warnings about a risky configuration of the Passport adapter, logged once when it is
 * constructed: a relative `callbackURL`, which builds the redirect URI from the Host (and with
 * `proxy: true` the X-Forwarded-Host) header, and `state: false`.
 */
export function passportWarnings(config: ResolvedStrategyConfig): string[] {
  const warnings = callbackURLWarnings(config.callbackURL, config.proxy);
  if (!config.state)
    warnings.push(
      'Microsoft sign-in has state: false, which turns off the state check (CSRF protection), PKCE and the nonce: a callback is accepted without proof that this browser started the login, and an authorization code or ID token made for another login is not caught. Leave state on (the default) unless another layer does this',
    );
  return warnings;
}

/** Checks the options a {@link MicrosoftSignIn} takes and resolves its endpoints and settings. */
export function resolveConfig(
  options: StrategyOptionsBase,
  who: 'MicrosoftSignIn' | 'MicrosoftStrategy' = 'MicrosoftStrategy',
): ResolvedConfig {
  try {
    checkOptions(options, CORE_OPTIONS);
    return resolveChecked(options);
  } catch (err) {
    // Option errors name the class the options were given to, in the message and the stack (a
    // new error with this one as its `cause` would print the other class's name too).
    if (who !== 'MicrosoftStrategy' && err instanceof TypeError) {
      err.message = err.message.replace(/^MicrosoftStrategy /, `${who} `);
      if (err.stack)
        err.stack = err.stack.replace(/^TypeError: MicrosoftStrategy /, `TypeError: ${who} `);
    }
    throw err;
  }
}

/** Endpoints and settings of options already checked value by value. */
function resolveChecked(options: StrategyOptionsBase): ResolvedConfig {
  const endpoints = resolveEndpoints(options);
  return { ...endpoints, ...resolveSettings(options, endpoints.authorityKind) };
}

const ALL_OPTIONS = Object.keys(OPTION_TABLE) as OptionName[];

/** Checks every option of the Passport strategy and resolves the core's and the adapter's settings. */
export function resolveStrategyConfig(
  options: StrategyOptionsBase & { passReqToCallback?: boolean },
): ResolvedStrategyConfig {
  checkOptions(options, ALL_OPTIONS);
  const core = resolveChecked(options);
  const state = options.state ?? true;
  if (core.pkce && !state)
    throw optionError('option pkce needs state: the PKCE verifier is kept with the state');
  if (options.store !== undefined && !state) throw optionError('option store needs state: true');
  const sessionKey =
    options.sessionKey ?? `microsoft:${new URL(core.authorizationURL).host}:${core.clientID}`;
  return {
    ...core,
    name: options.name ?? 'microsoft',
    state,
    sessionKey,
    proxy: options.proxy ?? false,
    passReqToCallback: options.passReqToCallback ?? false,
    skipUserProfile: options.skipUserProfile ?? false,
    store:
      options.store ??
      (state ? new SessionStateStore({ key: sessionKey, logger: core.logger }) : undefined),
  };
}
