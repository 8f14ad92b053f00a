/**
 * The Passport adapter's settings (name, state, session key, store, proxy, verify convention),
 * resolved with the core's from the strategy's options, and the adapter's configuration warnings.
 */
import { callbackURLWarnings } from '../config/callback-url.js';
import { namedOptionErrors, optionError } from '../config/option-checks.js';
import { OPTION_TABLE, checkOptions, optionValue } from '../config/options.js';
import type { OptionName, StrategyOptionsBase } from '../config/options.js';
import { resolveChecked } from '../core/settings.js';
import type { ResolvedConfig } from '../core/settings.js';
import { SessionStateStore } from '../state/session-state-store.js';
import type { StateStore } from '../types.js';

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

/** Everything the Passport adapter needs. */
export type ResolvedStrategyConfig = ResolvedConfig & PassportSettings;

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

const ALL_OPTIONS = Object.keys(OPTION_TABLE) as OptionName[];

/** Checks every option of the Passport strategy and resolves the core's and the adapter's settings. */
export function resolveStrategyConfig(
  options: StrategyOptionsBase & { passReqToCallback?: boolean },
): ResolvedStrategyConfig {
  return namedOptionErrors('MicrosoftStrategy', () => resolveAll(options));
}

function resolveAll(
  options: StrategyOptionsBase & { passReqToCallback?: boolean },
): ResolvedStrategyConfig {
  checkOptions(options, ALL_OPTIONS);
  const core = resolveChecked(options);
  const state = optionValue(options, 'state');
  if (core.pkce && !state)
    throw optionError('option pkce needs state: the PKCE verifier is kept with the state');
  if (options.store !== undefined && !state) throw optionError('option store needs state: true');
  const sessionKey =
    options.sessionKey ?? `microsoft:${new URL(core.authorizationURL).host}:${core.clientID}`;
  return {
    ...core,
    name: optionValue(options, 'name'),
    state,
    sessionKey,
    proxy: optionValue(options, 'proxy'),
    passReqToCallback: optionValue(options, 'passReqToCallback'),
    skipUserProfile: optionValue(options, 'skipUserProfile'),
    store:
      options.store ??
      (state ? new SessionStateStore({ key: sessionKey, logger: core.logger }) : undefined),
  };
}
